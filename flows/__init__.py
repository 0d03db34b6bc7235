"""Prefect flows: thin wrappers over newsflow.pipeline. Nothing here holds logic."""

from __future__ import annotations

import os

# Quiet, offline-friendly defaults; any value the user set wins.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # A cold temporary server took 19.4 s on a loaded 2-core machine; 20 s is Prefect's default.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "newsflow",
    # newsflow's loggers also run outside flow runs (CLI, tests): nothing to send to the API then.
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def configure_prefect_environment() -> None:
    """Call before importing prefect: it reads its settings at import."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
