"""The world's DNS installed in a process: `netguard.system_resolver` replaced by `WorldResolver`.

Split from tests/world/child.py (hunt 48) so that a process that is not the CLI (a served run's engine process,
through tests/world/servedsite.py) installs it without importing the CLI and Prefect.
"""

from __future__ import annotations

import os
from pathlib import Path

from newsflow import netguard
from tests.world import netdrops
from tests.world.dns import ENV_VAR, DnsTable, WorldResolver


def install_world_dns() -> None:
    table_path = os.environ.get(ENV_VAR)
    if not table_path:
        raise SystemExit(f"tests.world.child: set {ENV_VAR} to a DNS table file")
    resolver = WorldResolver(DnsTable.read(Path(table_path)))
    netguard.system_resolver = resolver
    if resolver.table.drop_after_polls:
        netdrops.drop_after_polls(resolver, Path(table_path))
    if resolver.table.public:  # a site gone (red team 34): its refusing loopback address stands for a public one
        public, private = frozenset(resolver.table.public), netguard.is_public_address
        netguard.is_public_address = lambda address: address in public or private(address)
