"""The world's DNS: names answered from a JSON file, never from the machine's resolver.

The fetcher accepts a resolver (`fetch.guarded_transport(resolver=...)`), but `newsflow run`
builds its own Fetcher with the default, `netguard.system_resolver`. A world run therefore
starts through `python -m tests.world.child`, which replaces that default with `WorldResolver`
before handing over to the real CLI. The answers can change from run to run: the driver
rewrites the file before each run (unresolvable hosts, a whole-machine outage).
"""

from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass, field
from pathlib import Path

from newsflow.netguard import NameResolutionError

ENV_VAR = "NEWSFLOW_WORLD_DNS"


@dataclass(frozen=True)
class DnsTable:
    """Name -> addresses; `failing` names and every unknown name fail to resolve."""

    hosts: dict[str, list[str]] = field(default_factory=dict)
    failing: frozenset[str] = frozenset()
    outage: bool = False  # every name fails: the machine is offline
    drop_after_polls: str = ""  # how the network drops once the run's polls end (netdrops.DROP_WAYS)
    public: list[str] = field(default_factory=list)  # addresses the run takes for public ones (outagespells.py)

    def write(self, path: Path) -> None:
        document = {"hosts": self.hosts, "failing": sorted(self.failing), "outage": self.outage,
                    "drop_after_polls": self.drop_after_polls, "public": self.public}
        path.write_text(json.dumps(document), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> DnsTable:
        document = json.loads(path.read_text(encoding="utf-8"))
        return cls(dict(document["hosts"]), frozenset(document["failing"]), bool(document["outage"]),
                   str(document.get("drop_after_polls", "")), list(document.get("public", [])))


class WorldResolver:
    """A `netguard.Resolver` over a DnsTable. IP literals resolve to themselves."""

    def __init__(self, table: DnsTable) -> None:
        self.table = table
        self.queries: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.queries.append(host)
        literal = _ip_literal(host)
        if literal is not None:
            return [literal]
        name = host.lower().rstrip(".")
        if self.table.outage:
            raise NameResolutionError(f"cannot resolve {host}: world outage (no network)")
        if name in self.table.failing or name not in self.table.hosts:
            raise NameResolutionError(f"cannot resolve {host}: world has no such host", no_such_name=True)
        return list(self.table.hosts[name])


def _ip_literal(host: str) -> str | None:
    """The address an IP literal stands for, in every form getaddrinfo accepts (`2130706433`,
    `0x7f.1`, `::ffff:127.0.0.1`), parsed locally: no query leaves the process."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None
