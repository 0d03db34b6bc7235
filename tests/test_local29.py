"""Local 29: the warehouse's own locks and spool (docs/security.md, "Local 29")."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow import spool, spoolfolders
from newsflow.spool import Spool, SpooledLoad, spool_dir_for
from newsflow.warehouse import Warehouse, compat, freelist

# A second process's read-only open: DuckDB refuses it while a writer of another process holds the file.
_PROBE = ("import duckdb, sys\n"
          "try:\n"
          "    duckdb.connect(sys.argv[1], read_only=True).close()\n"
          "    print('opened')\n"
          "except duckdb.IOException:\n"
          "    print('refused')\n")


def _second_process_opens(path: Path) -> str:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, timeout=60,
                          check=True)
    return done.stdout.strip()


def test_a_second_connection_of_this_process_keeps_the_first_ones_lock(tmp_path: Path) -> None:
    """Two batches' writes overlapping: the second `writing()` read the header (is_sqlite, storage_version, the
    free list) with an open and a close, and the close dropped DuckDB's fcntl lock of the first."""
    store = Warehouse(tmp_path / "news.duckdb")
    with store.writing():
        pass
    with store.writing():
        with store.writing():
            pass
        assert compat.is_sqlite(store.path) is False
        assert compat.storage_version(store.path) is not None
        assert freelist.read_free_list(store.path) is not None
        assert _second_process_opens(store.path) == "refused"
    assert _second_process_opens(store.path) == "opened"


# --- 1. a spool folder per warehouse ----------------------------------------------------------------

START = "newsflow.readersafe:record_run_start"  # a load whose run row says which warehouse it reached


def _spool_start(store: Warehouse, run_id: str) -> None:
    """What a run beside a reader does with its start: `commit_or_spool` found the warehouse held."""
    spool.spool_load(store, run_id, START, (run_id, datetime.now(UTC), []), None)


def _legacy_start(folder: Path, run_id: str) -> None:
    """What an older newsflow left: the same file format, in the folder it shared (`news.spool/`)."""
    Spool(folder).write(SpooledLoad(run_id, run_id, START, (run_id, datetime.now(UTC), []), datetime.now(UTC)))


def _runs_in(store: Warehouse) -> list[str]:
    if not store.path.exists():
        return []
    with store.reading() as con:
        rows = con.execute("SELECT run_id FROM spool_replays ORDER BY run_id").fetchall()
    return [str(row[0]) for row in rows]


def _made(store: Warehouse) -> Warehouse:
    with store.writing():
        pass
    return store


def test_warehouses_whose_names_differ_after_their_last_dot_never_load_each_others_spool(tmp_path: Path) -> None:
    """Both spooled to `news.spool/`, and the first to replay loaded the other's loads and deleted them."""
    duck, db = _made(Warehouse(tmp_path / "news.duckdb")), _made(Warehouse(tmp_path / "news.db"))
    _spool_start(duck, "duck-1")
    _spool_start(db, "db-1")
    assert spool.replay(db) and spool.replay(duck)
    assert _runs_in(db) == ["db-1"]
    assert _runs_in(duck) == ["duck-1"]
    assert spool_dir_for(duck.path).name == "news.duckdb-spool"


def test_an_older_versions_shared_folder_is_loaded_into_its_only_warehouse(tmp_path: Path) -> None:
    duck = _made(Warehouse(tmp_path / "news.duckdb"))
    legacy = tmp_path / "news.spool"
    _legacy_start(legacy, "old-1")
    _legacy_start(legacy, "old-2")
    (legacy / "feed_states.json").write_text("{}")  # another file of the folder: not a load, left
    _spool_start(duck, "new-1")  # spooled after the older ones: loaded after them
    assert spool.replay(duck)
    assert _runs_in(duck) == ["new-1", "old-1", "old-2"]
    assert spoolfolders.loads_in(legacy) == [] and spoolfolders.loads_in(spool_dir_for(duck.path)) == []


def test_an_older_versions_folder_two_warehouses_shared_is_loaded_into_neither_and_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    duck, dated = _made(Warehouse(tmp_path / "news.duckdb")), _made(Warehouse(tmp_path / "news.2026-12-01"))
    legacy = tmp_path / "news.spool"
    _legacy_start(legacy, "old-1")
    with caplog.at_level(logging.ERROR, logger="newsflow.spoolfolders"):
        assert spool.replay(duck) and spool.replay(dated) and spool.replay(duck)
    assert _runs_in(duck) == [] and _runs_in(dated) == []
    assert [p.name for p in spoolfolders.loads_in(legacy)] == ["000000001.old-1.spool"]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2, lines  # once for each warehouse in this process
    assert str(legacy) in lines[0] and "none is loaded" in lines[0] and "news.duckdb-spool" in lines[0]
    # the user moves the file where the line says; the next run loads it
    spoolfolders.move_loads(spoolfolders.loads_in(legacy), legacy, spool_dir_for(dated.path))
    assert spool.replay(dated) and _runs_in(dated) == ["old-1"]


def test_a_warehouse_renamed_without_its_spool_folder_is_said_not_stranded_unsaid(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = _made(Warehouse(tmp_path / "news.duckdb"))
    _spool_start(store, "r-1")
    renamed = Warehouse(tmp_path / "old.duckdb")
    store.path.rename(renamed.path)
    with caplog.at_level(logging.ERROR, logger="newsflow.spoolfolders"):
        assert spool.replay(renamed)
    [line] = [r.getMessage() for r in caplog.records]
    assert "news.duckdb-spool holds 1 spooled loads of the warehouse" in line and "old.duckdb-spool" in line
    spool_dir_for(tmp_path / "news.duckdb").rename(spool_dir_for(renamed.path))  # renamed with its folder
    assert spool.replay(renamed) and _runs_in(renamed) == ["r-1"]


# --- the property: warehouses sharing a folder, spooling, crashing ----------------------------------

NAMES = ("news.duckdb", "news.db", "news", "news.2026-12-01")
WORLD_EXAMPLES = int(os.environ.get("NEWSFLOW_LOCAL29_EXAMPLES", "0"))
STEP = st.tuples(st.sampled_from(["spool", "replay", "killed_after_load", "killed_adopting"]), st.integers(0, 2))


@dataclass
class SharedFolder:
    """Warehouses in one folder; `owner` of every spool id written, legacy or new."""

    folder: Path
    stores: list[Warehouse]
    owner: dict[str, Warehouse] = field(default_factory=dict)

    def act(self, what: str, which: int) -> None:
        store = self.stores[which % len(self.stores)]
        if what == "spool":
            run_id = f"{store.path.name}-{len(self.owner)}"
            self.owner[run_id] = store
            _spool_start(store, run_id)
        elif what == "replay":
            spool.replay(store)
        elif what == "killed_after_load":  # the load and its spool_replays row committed; the delete never came
            files = spool.spool_of(store).files()
            if files:
                spool.replay_one(store, spool.spool_of(store).read(files[0]))
        elif what == "killed_adopting":  # a takeover killed after its first move (only ever of a sole owner)
            legacy = spoolfolders.legacy_dir_for(store.path)
            if legacy is not None and not spoolfolders.sharers(legacy, store.path):
                spoolfolders.move_loads(spoolfolders.loads_in(legacy)[:1], legacy, spool_dir_for(store.path))


def _check_world(world: SharedFolder) -> None:
    for store in world.stores:
        spool.replay(store)
    legacy_left = {p.name.split(".")[1] for p in spoolfolders.loads_in(world.folder / "news.spool")}
    loaded = {store.path.name: _runs_in(store) for store in world.stores}
    for run_id, owner in world.owner.items():
        where = [name for name, runs in loaded.items() if run_id in runs]
        assert where.count(owner.path.name) <= 1 and set(where) <= {owner.path.name}, (run_id, where)
        if run_id in legacy_left:  # waiting, said: more than one warehouse could be its own
            assert where == [] and len(world.stores) > 1, run_id
        else:
            assert where == [owner.path.name], (run_id, where)
    for name, runs in loaded.items():
        assert len(runs) == len(set(runs)), name


@settings(max_examples=WORLD_EXAMPLES or 3, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(count=st.integers(1, 3), legacy=st.lists(st.integers(0, 2), max_size=3),
       steps=st.lists(STEP, max_size=6 if not WORLD_EXAMPLES else 14))
def test_warehouses_sharing_a_folder_lose_and_duplicate_no_spooled_load(
    tmp_path_factory: pytest.TempPathFactory, count: int, legacy: list[int], steps: list[tuple[str, int]]
) -> None:
    """Two or three warehouses whose names differ after their last dot, an older version's shared folder with
    loads of some of them, then spools, replays and kills in any order: at the end, with every warehouse
    replayed, each load is in its own warehouse once and in no other, or (an older version's, when more than
    one warehouse could be its own) waits in its folder, loaded nowhere."""
    folder = tmp_path_factory.mktemp("shared")
    world = SharedFolder(folder, [_made(Warehouse(folder / name)) for name in NAMES[:count]])
    for index, which in enumerate(legacy):
        store = world.stores[which % count]
        world.owner[f"legacy{index}"] = store
        _legacy_start(folder / "news.spool", f"legacy{index}")
    for what, which in steps:
        world.act(what, which)
    _check_world(world)


def test_a_warehouse_name_with_no_room_for_its_spool_folders_name_is_refused_in_one_line(tmp_path: Path) -> None:
    """`<name>-spool` is 6 bytes longer than the name: a 250-byte name's folder cannot be made (255 at most)."""
    from newsflow.configfile import resolve_warehouse_path
    from newsflow.errors import ConfigError

    assert resolve_warehouse_path(tmp_path / "c.toml", "n" * 249).name == "n" * 249
    with pytest.raises(ConfigError, match="room for its spool folder"):
        resolve_warehouse_path(tmp_path / "c.toml", "n" * 250)


def test_an_older_versions_folder_this_user_cannot_change_stops_no_run_and_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The takeover's rename refused (EPERM: another user's folder, `chattr +i`) escaped `spool_of` as a traceback."""
    store = _made(Warehouse(tmp_path / "news.duckdb"))
    legacy = tmp_path / "news.spool"
    _legacy_start(legacy, "old-1")
    done = subprocess.run(["chattr", "+i", str(legacy)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i needs root and a filesystem with attributes: {done.stderr.strip()}")
    try:
        with caplog.at_level(logging.ERROR, logger="newsflow.spoolfolders"):
            _spool_start(store, "new-1")
            assert spool.replay(store) and spool.replay(store)
    finally:
        subprocess.run(["chattr", "-i", str(legacy)], check=True)
    assert _runs_in(store) == ["new-1"]
    [line] = [r.getMessage() for r in caplog.records]
    assert f"from {legacy} to " in line and "Operation not permitted" in line
    assert spool.replay(store) and _runs_in(store) == ["new-1", "old-1"]  # writable again: taken over
