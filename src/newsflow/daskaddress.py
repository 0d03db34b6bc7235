"""`execution.address`, checked where it is read: as a Dask run connects to it (flows.daskrunner.dask_task_runner).

Local 31's Left: a blank or a 10 kB address was taken, and met as Dask's own error at a run's start. Local 32
checked it as the config was read, against a pattern narrower than Dask's: `[::1]:8786`, `ws://[::1]:8786` and
`ucx://[fe80::1]:13337` were refused, and every command, `newsflow query` too, exited 2 for a key only a Dask run
reads (review of Local 32, F2). The shapes here are those `distributed.comm.parse_address` and its
`parse_host_port` take: an optional scheme, a host or a bracketed IPv6 address, an optional port (8786 by default).
Dask is not imported here: the `dask` extra is optional, and the flow that reads the key imports it.
"""

from __future__ import annotations

import re

from newsflow.configfeeds import shown
from newsflow.errors import ConfigError

MAX_ADDRESS_CHARS = 1000  # a host name and a port; a URL's length at most
_SCHEMES = "tcp|tls|ws|wss|ucx|inproc"
_ADDRESS = re.compile(rf"(?:(?:{_SCHEMES})://)?(?:\[[0-9A-Za-z:.%]+\]|[^\s/:\[\]]+)(?::\d{{1,5}})?")


def refuse_a_bad_address(address: str) -> None:
    """Raise a one-line ConfigError naming `execution.address` unless it is "" (a local cluster) or an address
    Dask connects to by its shape (`tcp://scheduler:8786`, `scheduler`, `[::1]:8786`, `tls://[fe80::1]:8786`)."""
    if not address:
        return
    if len(address) > MAX_ADDRESS_CHARS:
        raise ConfigError("execution.address", f"is {len(address):,} characters; a Dask scheduler's address is "
                          "`tcp://host:port`: set that, or \"\" for a local cluster")
    if not _ADDRESS.fullmatch(address):
        raise ConfigError("execution.address", f"{shown(address)} is not a Dask scheduler's address like "
                          "\"tcp://scheduler:8786\" or \"[::1]:8786\": set that, or \"\" for a local cluster")
