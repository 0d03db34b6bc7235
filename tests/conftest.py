"""Shared fixtures: a real loopback HTTP server and an isolated Prefect home."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.localserver import LocalServer

# Prefect reads its settings at import; point it at a throwaway home before anything imports it.
_PREFECT_HOME = tempfile.mkdtemp(prefix="newsflow-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

SHARED_CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    try:
        yield local
    finally:
        local.close()


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not SHARED_CORPORA.is_dir():
        pytest.skip(f"real corpora not found at {SHARED_CORPORA}; they live beside the checkout in ../shared")
    return SHARED_CORPORA


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session: starting one costs about 11 s."""
    from flows import configure_prefect_environment

    configure_prefect_environment()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
        # Its "stopping server" line would go to a stream pytest has already closed.
        logging.getLogger("prefect").setLevel(logging.WARNING)


def write_config(
    tmp_path: Path, server_url: str, feeds: dict[str, str], extract: dict[str, object] | None = None,
    **fetch: object,
) -> Path:
    """A config for loopback tests: private networks allowed for 127.0.0.0/8, no politeness delay.

    Feed URLs are `server_url` + each path (pass "" and absolute URLs for several servers)."""
    settings = {"timeout": 5.0, "per_host_delay": 0.0, "per_host_concurrency": 8,
                "allowed_networks": ["127.0.0.0/8"], **fetch}
    extract_settings = {"workers": 2, "timeout": 10.0, **(extract or {})}
    lines = ["[warehouse]", 'path = "warehouse/news.duckdb"', "", "[fetch]"]
    lines += [f"{key} = {_toml(value)}" for key, value in settings.items()]
    lines += ["", "[extract]"] + [f"{key} = {_toml(value)}" for key, value in extract_settings.items()]
    lines += ["", "[polling]", "min_interval = 0"]
    for name, path in feeds.items():
        lines += ["", "[[feeds]]", f'name = "{name}"', f'url = "{server_url}{path}"']
    config_path = tmp_path / "newsflow.toml"
    config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config_path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return repr(value)
