"""Local 30: hostile local input about the warehouse's place (docs/security.md, "Local 30"): a warehouse moved
aside or to another folder, a full disk at a run's start, a warehouse file or folder this user may not open."""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from newsflow import pausejournal, readersafe, spool, spoolfolders, spoolowners
from newsflow.errors import WarehouseError
from newsflow.models import HostPause
from newsflow.spool import spool_dir_for
from newsflow.warehouse import Warehouse, access, sql_root
from tests.hostile.fulldisk import fill, tmpfs

START = "newsflow.readersafe:record_run_start"
PAUSES = "newsflow.readersafe:store_host_pauses"
FEED = '[[feeds]]\nname = "planet"\nurl = "http://127.0.0.1:9/feed.xml"\n'
# If a check let a run through, it meets this dead API (exit 4) rather than starting a Prefect server
CHILD_ENV = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api", "NO_COLOR": "1"}


def _made(path: Path) -> Warehouse:
    store = Warehouse(path)
    with store.writing():
        pass
    return store


def _own_id(store: Warehouse) -> None:
    """The tests' template gives every warehouse one id; a user's new file gets its own from migration 0109
    (`test_each_new_warehouse_gets_its_own_id`): this one is given its own as that migration would."""
    with store.writing() as con:
        con.execute("UPDATE warehouse_identity SET warehouse_id = CAST(uuid() AS VARCHAR)")


def _runs_in(store: Warehouse) -> list[str]:
    with store.reading() as con:
        return [str(r[0]) for r in con.execute("SELECT run_id FROM spool_replays ORDER BY run_id").fetchall()]


def _start(store: Warehouse, run_id: str) -> None:
    """A run's start, spooled: a reader held the warehouse (`commit_or_spool` after its patience)."""
    spool.spool_load(store, run_id, START, (run_id, datetime.now(UTC), []), None)


def _follow(line: str) -> None:
    """Do what a line says: the command between its backquotes, as a shell would split it."""
    [command] = re.findall(r"`(mv [^`]+)`", line)
    subprocess.run(shlex.split(command), check=True, timeout=30)


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "newsflow.spoolowners"]


@pytest.fixture(autouse=True)
def _a_new_process() -> None:
    """Each line is said once a process: each test is a process of its own."""
    as_a_new_process()


def as_a_new_process() -> None:
    """Forget what this process has said and remembered of spooled loads' owners, as a new process would."""
    spool._FOREIGN.clear()
    spoolowners._SAID.clear()
    spoolowners._IDS.clear()
    spoolowners._REMEMBERED.clear()
    spoolowners._STAMPED.clear()
    spoolfolders._SEEN.clear()


def test_each_new_warehouse_gets_its_own_id() -> None:
    sql = (sql_root() / "migrations" / "0109_warehouse_identity.sql").read_text(encoding="utf-8")
    ids = []
    for _ in range(2):
        con = duckdb.connect()
        con.execute(sql)
        ids.append(con.execute("SELECT warehouse_id FROM warehouse_identity").fetchall())
        con.close()
    assert ids[0] != ids[1] and all(len(found) == 1 for found in ids)


_READER = ("import duckdb, sys\n"
           "con = duckdb.connect(sys.argv[1])\n"  # a notebook's default: read-write
           "print('held', flush=True)\n"
           "sys.stdin.read()\n")


def test_a_warehouse_moved_aside_keeps_its_spooled_loads_from_the_new_one_made_in_its_place(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`news.duckdb` renamed `news.old.duckdb` and a new `news.duckdb` made in its place: the new one's first
    replay loaded the old one's spooled loads (the folder has its name). Now they are set aside, the line names
    the warehouse beside with their id and the `mv` that hands them over, and that one's next run loads them.
    The reader holds the file read-write (a notebook's default), so the id cannot be read beside it: the first
    load has it from the run's start in this process, the second, a later process's, from the folder's stamp."""
    old = _made(tmp_path / "news.duckdb")
    readersafe.record_run_start(old, "old-0", datetime.now(UTC), [])  # free: the run reads its id
    reader = subprocess.Popen([sys.executable, "-c", _READER, str(old.path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "held\n"
        old.write_patience = 0.0
        for run_id in ("old-1", "old-2"):
            spool.commit_or_spool(old, run_id, readersafe.record_run_start, run_id, datetime.now(UTC), [],
                                  if_spooled=None)  # a real reader holds it: spooled, marked with its id
            spoolowners._IDS.clear(), spoolowners._REMEMBERED.clear()  # the next one: a new process
    finally:
        reader.communicate("", timeout=60)
    assert len(spool.spool_of(old).files()) == 2
    moved = Warehouse(tmp_path / "news.old.duckdb")
    old.path.rename(moved.path)  # moved aside without its folder
    new = _made(tmp_path / "news.duckdb")
    _own_id(new)
    _start(new, "new-1")
    with caplog.at_level(logging.ERROR, logger="newsflow.spoolowners"):
        assert spool.replay(new) and spool.replay(new)
    assert _runs_in(new) == ["new-1"]
    [line] = _lines(caplog)
    assert "holds 2 load(s) spooled for another warehouse than" in line and f"{moved.path} is that warehouse" in line
    spool._FOREIGN.clear(), spoolowners._SAID.clear(), caplog.clear()  # a later process: said, none opened again
    opened = []
    monkeypatch.setattr(spool, "replay_one", lambda *args, **kw: opened.append(args) or spool.LOADED)
    with caplog.at_level(logging.ERROR, logger="newsflow.spoolowners"):
        assert spool.replay(new)
    assert opened == [] and _lines(caplog) == [line]
    monkeypatch.undo()
    _follow(line)
    assert spool.replay(moved) and _runs_in(moved) == ["old-1", "old-2"]
    assert spool.replay(new) and _runs_in(new) == ["new-1"]
    assert list(tmp_path.rglob("*.spool")) == []


def test_a_load_spooled_before_the_id_was_kept_is_loaded_as_before(tmp_path: Path) -> None:
    """A spool file of a newsflow before migration 0109 names no warehouse: its folder's warehouse loads it."""
    store = _made(tmp_path / "news.duckdb")
    _own_id(store)
    spool.Spool(spool_dir_for(store.path)).write(
        spool.SpooledLoad("r-1", "r-1", START, ("r-1", datetime.now(UTC), []), datetime.now(UTC)))
    assert '"warehouse"' not in next(spool_dir_for(store.path).glob("*.spool")).read_text()
    assert spool.replay(store) and _runs_in(store) == ["r-1"]


def test_pauses_spooled_for_a_warehouse_moved_aside_are_not_the_new_ones(tmp_path: Path) -> None:
    """Read-through 48: `newsflow query host_pauses` (`pausejournal.spooled_pauses`) counted the pauses spooled for a
    warehouse moved aside as the new one's and said its next run stores them; that run's replay sets them aside. A
    load stamped with the warehouse's own id, or with none (spooled before the id was kept), is still its own."""
    store = _made(tmp_path / "news.duckdb")
    _own_id(store)
    spoolowners._IDS.clear()
    now = datetime.now(UTC)
    for n, stamp in enumerate([spoolowners.id_of(store), "moved-aside-warehouse", None]):
        pause = HostPause(f"host{n}.example", now + timedelta(hours=1), now, 429)
        spool.Spool(spool_dir_for(store.path)).write(spool.SpooledLoad(
            f"r-{n}", f"r-{n}", PAUSES, ([pause], now), now, warehouse_id=stamp))
    assert sorted(pause.host for pause in pausejournal.spooled_pauses(store)) == ["host0.example", "host2.example"]


def test_a_warehouse_moved_to_another_folder_names_the_folder_its_loads_were_left_in(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Moved without its spool folder, its loads waited where it had been, unsaid; moved with it, they load.
    A new warehouse at the old path spools there too: the line's `mv` moves the moved one's loads alone (not
    the folder), and is said at each run's start (each process) until they are moved."""
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir(), (tmp_path / "c").mkdir()
    store = _made(tmp_path / "a" / "news.duckdb")
    readersafe.record_run_start(store, "r-1", datetime.now(UTC), [])  # a run started here
    _start(store, "r-2")
    moved = Warehouse(tmp_path / "b" / "news.duckdb")
    store.path.rename(moved.path)
    other = _made(store.path)
    _own_id(other)
    _start(other, "n-1")
    lines = []
    for run_id in ("r-3", "r-3b", "r-3c"):  # three runs, each its own process; the line followed after two
        spoolowners._SAID.clear(), caplog.clear()
        with caplog.at_level(logging.ERROR, logger="newsflow.spoolowners"):
            readersafe.record_run_start(moved, run_id, datetime.now(UTC), [])
        lines.append(_lines(caplog))
        if run_id == "r-3b":
            _follow(lines[0][0])
    assert lines[0] == lines[1] and lines[2] == [], lines
    line = lines[0][0]
    assert f"{spool_dir_for(store.path)} holds 1 load(s) spooled for {moved.path} when it was at {store.path}" in line
    assert f"`mv {spool_dir_for(store.path)} " not in line
    assert spool.replay(moved) and _runs_in(moved) == ["r-2"]
    assert spool.replay(other) and _runs_in(other) == ["n-1"]
    _start(moved, "r-4")
    again = Warehouse(tmp_path / "c" / "news.duckdb")  # with its folder this time
    moved.path.rename(again.path)
    spool_dir_for(moved.path).rename(spool_dir_for(again.path))
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="newsflow.spoolowners"):
        readersafe.record_run_start(again, "r-5", datetime.now(UTC), [])
        assert spool.replay(again) and _runs_in(again) == ["r-2", "r-4"]
    assert _lines(caplog) == [] and list(tmp_path.rglob("*.spool")) == []
    _start(again, "r-6")  # a copy run elsewhere: the loads beside the original are the original's
    (tmp_path / "d").mkdir()
    copy = Warehouse(tmp_path / "d" / "news.duckdb")
    with again.reading():
        pass
    copy.path.write_bytes(again.path.read_bytes())
    with caplog.at_level(logging.ERROR, logger="newsflow.spoolowners"):
        readersafe.record_run_start(copy, "r-7", datetime.now(UTC), [])
    assert _lines(caplog) == [] and len(list(spool_dir_for(again.path).glob("*.spool"))) == 1


def _fill_inodes(folder: Path) -> Path:
    folder.mkdir()
    with contextlib.suppress(OSError):
        for n in range(4096):
            (folder / str(n)).touch()
    return folder


def _newsflow(*args: str, preexec_fn: object = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsflow", *args], capture_output=True, text=True, timeout=120,
                          check=False, env=CHILD_ENV, preexec_fn=preexec_fn)  # type: ignore[arg-type]


def test_a_full_disk_at_a_runs_start_is_one_line_exit_3_before_prefect(tmp_path: Path) -> None:
    """A disk with no block left, the run lock already written by an earlier run (so rewritten in place): the
    run opened the warehouse, started Prefect (a local server), then failed its first commit (the log could not
    grow). Now its check says so before Prefect, nothing done, the spooled load kept for the next run."""
    with tmpfs(tmp_path / "disk", "size=4m,nr_inodes=64") as disk:
        store = _made(disk / "news.duckdb")
        with store.run_lock():
            pass  # an earlier run's lock, its holder line written
        _start(store, "r-1")
        (tmp_path / "newsflow.toml").write_text(f'[warehouse]\npath = "{store.path}"\n' + FEED)
        fill(disk / "filler")
        done = _newsflow("run", "--config", str(tmp_path / "newsflow.toml"))
        assert done.returncode == 3 and done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith(f"newsflow: cannot write {store.path}: No space left on device: its disk has "
                                      "no block free"), done.stderr
        assert "Nothing was done: free space there and run it again" in done.stderr
        (disk / "filler").unlink()
        made = _fill_inodes(disk / "inodes")  # blocks free, no file can be made (the log): refused too
        with pytest.raises(WarehouseError, match=r"its disk has no inode \(no new file can be made\) free"):
            access.refuse_a_full_disk(store.path)
        shutil.rmtree(made)
        assert spool.replay(store) and _runs_in(store) == ["r-1"]


def _without_privileges() -> None:
    """Root's capabilities dropped from the bounding set, so the exec'd child is an ordinary user (uid 0 too):
    a mode of 000 holds for it as for anyone. An ordinary user's drop fails harmlessly: it has none."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    for capability in range(64):
        prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP


_CHILD = """
import contextlib, io, json, os, sys
from newsflow import cli
found = {}
folder = os.path.dirname(sys.argv[2])
for case, path, new, commands in (("file", sys.argv[2], 0, ("run", "feeds")), ("folder", folder, 0, ("run", "feeds")),
                                  ("unwritable", folder, 0o500, ("run", "reextract"))):
    mode = os.stat(path).st_mode & 0o7777
    os.chmod(path, new)
    try:
        for command in commands:
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                code = cli.main([command, "--config", sys.argv[1]])
            found[f"{case} {command}"] = [code, err.getvalue()]
    finally:
        os.chmod(path, mode)
print(json.dumps(found))
"""


def test_a_warehouse_file_or_folder_this_user_may_not_open_is_one_line_exit_3(tmp_path: Path) -> None:
    """Mode 000 on the warehouse, then on its folder, for a `run` and a `feeds` of an unprivileged process.
    Before: `run` ended `newsflow: X: Permission denied` (the last net, exit 1: README says 3), or `….run.lock:
    Permission denied`; `feeds` in DuckDB's words, or the last net. The spooled load waits, loaded once after.
    A folder this user may enter but not write (0500), its run lock left by an earlier run: `reextract` ended in
    a traceback (exit 1), `run` went on to Prefect."""
    folder = tmp_path / "wh"
    folder.mkdir()
    store = _made(folder / "news.duckdb")
    with store.run_lock():
        pass  # an earlier run's
    _start(store, "r-1")
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{store.path}"\n' + FEED)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(config), str(store.path)], capture_output=True,
                          text=True, timeout=120, check=True, env=CHILD_ENV, preexec_fn=_without_privileges)
    found = json.loads(done.stdout)
    for case, (code, err) in found.items():
        assert code == 3 and err.count("\n") == 1, (case, err)
        verb = "write" if case.startswith("unwritable") else "open"
        assert f"newsflow: cannot {verb} {store.path}: Permission denied: this user" in err, (case, err)
        if case.startswith("file"):
            assert "may not read it (owner uid" in err and "mode ----------)" in err, (case, err)
        elif case.startswith("folder"):
            assert f"may not enter its folder {folder} (owner uid" in err, (case, err)
        else:
            assert f"may not write its folder {folder} (owner uid" in err and "mode dr-x------)" in err, (case, err)
    assert len(found) == 6
    assert spool.replay(store) and _runs_in(store) == ["r-1"]
    assert list(folder.rglob("*.spool")) == []


# --- the moves combined: spools, replays, moves aside, kills, the lines followed late ---------------------------

MOVES_EXAMPLES = int(os.environ.get("NEWSFLOW_LOCAL30_EXAMPLES", "0"))
STEP = st.sampled_from(["spool", "replay", "move_aside", "killed_after_load"])
_EVERY_STEP = ["spool", "move_aside", "spool", "replay", "spool", "move_aside", "killed_after_load", "replay"]


class _Moves:
    """`news.duckdb` in one folder, moved aside as `news.old<n>.duckdb` and made anew; its spool folder stays."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.live = self._new()
        self.stores = [self.live]
        self.owner: dict[str, int] = {}  # each run's warehouse, by its place in `stores` (its moves follow it)

    def _new(self) -> Warehouse:
        store = _made(self.folder / "news.duckdb")
        _own_id(store)
        return store

    def act(self, what: str) -> None:
        if what == "spool":
            run_id = f"r{len(self.owner)}"
            self.owner[run_id] = self.stores.index(self.live)
            _start(self.live, run_id)
        elif what == "replay":
            spool.replay(self.live)
        elif what == "move_aside":
            moved = Warehouse(self.folder / f"news.old{len(self.stores)}.duckdb")
            self.live.path.rename(moved.path)
            self.stores[self.stores.index(self.live)] = moved
            self.live = self._new()
            self.stores.append(self.live)
        else:  # the load and its spool_replays row committed; the delete never came
            files = spool.spool_of(self.live).files()
            if files:
                spool.replay_one(self.live, spool.spool_of(self.live).read(files[0]))

    def settle(self, caplog: pytest.LogCaptureFixture) -> None:
        """Later processes: each replays every warehouse, and the user does what each line says."""
        for _ in range(4):
            spoolowners._SAID.clear(), spool._FOREIGN.clear()  # a new process: said again, read again
            caplog.clear()
            with caplog.at_level(logging.ERROR, logger="newsflow.spoolowners"):
                for store in self.stores:
                    spool.replay(store)
            for line in _lines(caplog):
                _follow(line)
            if not _lines(caplog):
                return


@example(steps=_EVERY_STEP)
@settings(max_examples=MOVES_EXAMPLES or 1, deadline=None, database=None,
          # CI: the explicit example alone (every step, two moves; the budget), drawn ones locally
          phases=[Phase.explicit] if not MOVES_EXAMPLES else list(Phase),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, max_size=6 if not MOVES_EXAMPLES else 14))
def test_warehouses_moved_aside_lose_and_duplicate_no_spooled_load(
    tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture, steps: list[str]
) -> None:
    """Spools, replays, kills after a load's commit and moves aside in any order, then the lines followed: each
    load is in the warehouse it was spooled for, once, and in no other; no spool file is left."""
    world = _Moves(tmp_path_factory.mktemp("moves"))
    for what in steps:
        world.act(what)
    world.settle(caplog)
    for which, store in enumerate(world.stores):
        assert _runs_in(store) == sorted(r for r, owner in world.owner.items() if owner == which), store.path
    assert list(world.folder.rglob("*.spool")) == []
