"""The date worlds' runner (tests/test_dates45_world.py, tests/test_dates48_world.py): a world's pages and feed on
one module's loopback server, run end to end (`run_ingest` into a fresh warehouse), each run's stored day per
story read back, and the stories whose stored day is not one the world expects."""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page

_WORLD_NUMBERS = itertools.count()


def serving() -> Iterator[LocalServer]:
    """A module's world server (`pytest.fixture(scope="module")(serving)`): each world is served under a prefix of
    its own on it."""
    server = LocalServer()
    try:
        yield server
    finally:
        server.close()


def world_prefix() -> str:
    return f"/w{next(_WORLD_NUMBERS)}"


def stored_days(server: LocalServer, prefix: str, pages: Sequence[bytes],
                feeds: Sequence[tuple[bytes, str]]) -> list[dict[int, date | None]]:
    """Serve `pages` as `prefix`/story-<index>, then for each feed (body, content type) in turn serve it as
    `prefix`/feed and run once, all runs into one fresh warehouse; each run's stored day per story index."""
    for index, page in enumerate(pages):
        server.add(f"{prefix}/story-{index}", Page(page))
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        config = load_config(write_config(Path(folder), server.base_url, {"world": f"{prefix}/feed"},
                                          extract={"workers": 1, "timeout": 60.0}))  # a loaded machine
        for run, (body, kind) in enumerate(feeds):
            server.add(f"{prefix}/feed", Page(body, kind, validators=False))
            asyncio.run(run_ingest(config, f"run-{run}", all_feeds=True))
            rows = run_read_query(Warehouse(config.warehouse_path),
                                  "SELECT regexp_extract(url, '[0-9]+$'), published_date FROM articles").rows
            runs.append({int(str(number)): day for number, day in rows})
    return runs


def assert_days_expected(stories: Sequence[object], stored: Mapping[int, date | None],
                         expected: Mapping[int, frozenset[date | None]], run: int = 0) -> None:
    """Every story stored, each on a day the world expects of it."""
    assert set(stored) == set(expected), f"run {run}: stories stored {sorted(stored)}"
    wrong = {i: (stories[i], stored[i], sorted(expected[i], key=str)) for i in expected if stored[i] not in expected[i]}
    assert not wrong, f"run {run}: {wrong}"
