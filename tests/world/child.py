"""`python -m tests.world.child <newsflow args>`: the real CLI, with the world's DNS.

Reads the DNS table named by $NEWSFLOW_WORLD_DNS and installs it as the fetcher's default
resolver, so the run never asks the machine's resolver anything.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from newsflow import netguard
from newsflow.cli import main
from tests.world.dns import ENV_VAR, DnsTable, WorldResolver


def install_world_dns() -> None:
    table_path = os.environ.get(ENV_VAR)
    if not table_path:
        raise SystemExit(f"tests.world.child: set {ENV_VAR} to a DNS table file")
    netguard.system_resolver = WorldResolver(DnsTable.read(Path(table_path)))


if __name__ == "__main__":
    install_world_dns()
    sys.exit(main(sys.argv[1:]))
