"""Local 27: what Local 26 left, and the warehouse's `.wal` as a FIFO or a device (docs/security.md, "Local 27").

In process (`cli.main`, `Warehouse`), real files, real DuckDB. A run over a log cut short is
tests/test_local26_clock.py's (its next run says so now, and stores each story once).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from newsflow import cli, files, warehouse
from newsflow.errors import WarehouseError
from newsflow.warehouse import Warehouse, compat, logends


@pytest.fixture(autouse=True)
def _loggers_as_a_fresh_process_has_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cut log's line is a log record: an earlier test in this process (a shared CI worker) may have set a level
    on newsflow's loggers or let Prefect's logging setup disable one (ci140 saw no line)."""
    for name in ("newsflow", "newsflow.warehouse", logends.log.name):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.NOTSET)
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    monkeypatch.setattr(logging.root.manager, "disable", logging.NOTSET)

FEED = '[[feeds]]\nname = "planet"\nurl = "http://127.0.0.1:9/feed.xml"\n'
BLOCK = 256 * 1024
HEADERS = 3 * 4096  # DuckDB's main header and its two database headers, before the blocks


def _config(tmp_path: Path, wh: Path) -> Path:
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{wh}"\n' + FEED)
    return config


def _warehouse(wh: Path) -> None:
    with Warehouse(wh).writing() as con:
        con.execute("INSERT INTO feeds (feed_id, url) VALUES ('planet', 'http://127.0.0.1:9/feed.xml')")


def _blocks(wh: Path) -> tuple[int, int]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        row = con.execute("SELECT total_blocks, used_blocks FROM pragma_database_size()").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0]), int(row[1])


def _free_blocks_cut_off(wh: Path) -> int:
    """A newsflow warehouse whose last blocks are free and not in the file: a table that filled the file's end,
    dropped and checkpointed, so DuckDB trims the free blocks off the file's end (`TrimFreeBlocks`) after writing a
    header that still counts them: what a cut that removes only free blocks leaves. Returns the blocks cut off."""
    _warehouse(wh)
    con = duckdb.connect(str(wh), config=compat.connect_config())
    con.execute("CREATE TABLE small AS SELECT 1 AS i; CHECKPOINT")
    con.execute("CREATE TABLE scratch AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(100000)")
    con.execute("CHECKPOINT; DROP TABLE scratch; CHECKPOINT")
    con.close()
    total, used = _blocks(wh)
    in_file = (wh.stat().st_size - HEADERS) // BLOCK
    assert total > in_file >= used, "a file shorter than its blocks, none in use lost"
    return total - in_file


def test_a_warehouse_cut_of_free_blocks_only_is_whole_it_opens_reads_and_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Left by Local 26: a cut that removes only free blocks is not refused. Decided: such a file is whole. It is
    what DuckDB itself leaves when it trims free blocks off the file's end (the header counts blocks the file does
    not hold, all free), and a write that takes one of those blocks writes it where it belongs, the file growing.
    Proved on a real warehouse in that state: readers list it, newsflow's writer fills more blocks than were cut
    off (so past the cut), and the file reopens whole with every row."""
    wh = tmp_path / "news.duckdb"
    assert _free_blocks_cut_off(wh) >= 4
    size = wh.stat().st_size
    config = _config(tmp_path, wh)
    for argv in (["feeds"], ["stories"]):
        assert cli.main([*argv, "--config", str(config)]) == 0
    assert "planet" in capsys.readouterr().out
    with Warehouse(wh).writing() as con:  # newsflow's writer: its checks, then blocks past the cut are taken
        con.execute("CREATE TABLE filled AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(100000)")
    assert wh.stat().st_size > size + BLOCK, "the write took blocks past the cut"
    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert con.execute("SELECT count(*), sum(hash(s)) = (SELECT sum(hash(md5(range::VARCHAR))) "
                           "FROM range(100000)) FROM filled").fetchone() == (100000, True)
        assert con.execute("SELECT feed_id FROM feeds").fetchall() == [("planet",)]
    finally:
        con.close()
    with Warehouse(wh).reading() as con:  # and newsflow's reader finds it whole
        assert con.execute("SELECT count(*) FROM filled").fetchone() == (100000,)


@contextmanager
def _writes_left_in_the_log(wh: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Writes that stay in the `.wal` (no checkpoint, none at close), as a run killed before its checkpoint
    leaves them."""
    con = duckdb.connect(str(wh), config=compat.connect_config())
    con.execute("SET checkpoint_threshold = '1GB'; PRAGMA disable_checkpoint_on_shutdown")
    try:
        yield con
    finally:
        con.close()


@pytest.mark.parametrize("cut", [False, True], ids=["whole log", "log cut part way"])
def test_a_log_cut_part_way_through_a_write_is_said_by_the_next_writer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, cut: bool
) -> None:
    """Left by Local 26: DuckDB's replay drops a cut commit without a word. The next writer (a run's first open)
    says so in one line, naming the log, before its checkpoint removes it; a whole log (a writer killed between
    commits) says nothing. That the next run then stores the dropped stories once: tests/test_local26_clock.py."""
    wh = tmp_path / "news.duckdb"
    _warehouse(wh)
    with _writes_left_in_the_log(wh) as con:
        for k in range(3):  # three commits, each a load's size
            con.execute("INSERT INTO feeds (feed_id, url) SELECT ?, ?", [f"f{k}", f"http://127.0.0.1:9/{k}.xml"])
    log = logends.log_path(wh)
    if cut:
        log.write_bytes(log.read_bytes()[: log.stat().st_size - 7])  # the last commit cut part way
    with caplog.at_level(logging.WARNING, logger="newsflow"), Warehouse(wh).writing() as con:
        stored = con.execute("SELECT count(*) FROM feeds").fetchone()
    said = [r.getMessage() for r in caplog.records if "ended part way through a write" in r.getMessage()]
    assert stored == ((3,) if cut else (4,)), "the cut dropped the last commit, and only it"
    assert len(said) == (1 if cut else 0), caplog.text
    if cut:
        assert said[0].startswith(f"newsflow: warning: {log} ended part way through a write") and "\n" not in said[0]
    assert not log.exists(), "the writer's checkpoint merged the log"


def test_a_log_cut_at_a_runs_row_is_said_as_the_row_is_left_not_as_articles_pending(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Readthrough 45 (finding 4): what a cut drops may be only a run's row (hunt 49's full disk at the row, its
    batches committed before it), and the line said "Articles a run was storing are pending again" of it. Cut here:
    the row's end, the one commit after its start; the line says what becomes of the row, and it does."""
    wh = tmp_path / "news.duckdb"
    _warehouse(wh)
    with _writes_left_in_the_log(wh) as con:
        warehouse.begin_run(con, "r", datetime.now(UTC))
        warehouse.finish_run(con, "r", {"articles_stored": 0}, "completed")  # the row's end: the commit cut
    log = logends.log_path(wh)
    log.write_bytes(log.read_bytes()[:-7])
    with caplog.at_level(logging.WARNING, logger="newsflow"), Warehouse(wh).writing() as con:
        con.execute("BEGIN")
        warehouse.abandon_stale_runs(con, "next")  # the next run's start
        con.execute("COMMIT")
        row = con.execute("SELECT status FROM runs WHERE run_id = 'r'").fetchall()
    said = [r.getMessage() for r in caplog.records if "ended part way through a write" in r.getMessage()]
    assert row == [("abandoned",)] and len(said) == 1, (row, caplog.text)
    assert "Articles a run was storing are pending again" not in said[0], "said of a cut that held only the row"
    assert "if it was ending its own row, that row stays `running` and the next run marks it abandoned" in said[0]


@pytest.mark.parametrize("argv", [["reextract"], ["search", "--reindex"]], ids=["reextract", "search --reindex"])
def test_a_log_cut_part_way_is_one_newsflow_warning_line_from_every_writing_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """Review of Local 27: the line came out bare (no handler is attached yet, so Python prints the message alone),
    unlike every other warning, and said "this run or the next" from `reextract` and `search --reindex` too. Now
    `newsflow: warning:`, its commonest cause (newsflow killed as it stored) first, and what each command does
    about the writes dropped. As in the command's own process, no handler: pytest's are on the root logger."""
    wh = tmp_path / "news.duckdb"
    _warehouse(wh)
    with _writes_left_in_the_log(wh) as con:
        con.execute("INSERT INTO feeds (feed_id, url) VALUES ('f0', 'http://127.0.0.1:9/0.xml')")
    log = logends.log_path(wh)
    log.write_bytes(log.read_bytes()[:-7])
    monkeypatch.setattr(logging.getLogger("newsflow"), "propagate", False)
    for name in ("newsflow", "newsflow.warehouse", logends.log.name):  # no handler, as in a fresh command's process
        monkeypatch.setattr(logging.getLogger(name), "handlers", [])
    assert cli.main([*argv, "--config", str(_config(tmp_path, wh))]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if str(log) in line]
    assert len(said) == 1 and said[0].startswith(f"newsflow: warning: {log} ended part way through a write "
                                                 "(most often newsflow, or the machine, stopped as it stored"), said
    assert "what a `reextract` or `search --reindex` was writing there is done again when it is run again" in said[0]


# The commands in a process of their own, one after another, each's exit code and stderr printed as it returns, so
# one that waits for ever on the FIFO is killed at the process's hard timeout and the test fails then, naming it
# (review of Local 27: a watchdog in the test's process freed `feeds` and `query` but not `reextract`, which hung CI
# instead of failing it). One process for the three: each new one pays newsflow's imports again
COMMANDS = """
import contextlib, io, json, sys
from newsflow import cli
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(argv)
    print(json.dumps([argv[0], code, err.getvalue()]), flush=True)
"""
HANG_SECONDS = 45  # the three return in a second or two; a loaded CI machine given room
FIFO_COMMANDS = [["feeds"], ["query", "SELECT count(*) FROM feeds"], ["reextract"]]


def test_a_fifo_where_the_warehouse_log_goes_is_one_line_exit_3_not_a_hang(tmp_path: Path) -> None:
    """`mkfifo news.duckdb.wal` (a log shipper's pipe, a tool's mistake): every command, readers too, waited for a
    writer for ever in DuckDB's open. Now one line, exit 3, naming the log and what to do, the FIFO left: `feeds`,
    `query` (readers) and `reextract` (a writer)."""
    wh = tmp_path / "news.duckdb"
    _warehouse(wh)
    log = logends.log_path(wh)
    os.mkfifo(log)
    config = str(_config(tmp_path, wh))
    argvs = [[*argv, "--config", config] for argv in FIFO_COMMANDS]
    try:  # subprocess.run kills the process when its time is up
        done = subprocess.run([sys.executable, "-c", COMMANDS, json.dumps(argvs)], capture_output=True, text=True,
                              timeout=HANG_SECONDS, check=False)
    except subprocess.TimeoutExpired as killed:
        returned = len((killed.stdout or b"").splitlines())
        pytest.fail(f"{FIFO_COMMANDS[returned][0]} waited on the FIFO {log} for {HANG_SECONDS} s; killed")
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [name for name, _, _ in results] == [argv[0] for argv in FIFO_COMMANDS], (done.stdout, done.stderr)
    for name, code, said in results:
        assert code == 3 and said.count("\n") == 1, (name, code, said)
        assert f"its write-ahead log {log} is not a regular file" in said and "move it aside" in said, (name, said)
    assert log.is_fifo()


def test_a_device_linked_as_the_warehouse_log_is_refused_by_writers_and_readers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`news.duckdb.wal -> /dev/null` ("no log wanted"): readers replayed nothing and writers logged their commits
    into nothing, so a crash before a checkpoint lost them, silently. One line, exit 3, the link left."""
    wh = tmp_path / "news.duckdb"
    _warehouse(wh)
    log = logends.log_path(wh)
    log.symlink_to("/dev/null")
    config = _config(tmp_path, wh)
    for argv in (["stories"], ["reextract"]):
        assert cli.main([*argv, "--config", str(config)]) == 3
        assert "is not a regular file" in capsys.readouterr().err
    assert os.readlink(log) == "/dev/null"


OLD = b'[warehouse]\npath = "news.duckdb"\n'
ADDED = b'\n[[feeds]]\nname = "more"\nurl = "https://more.example/rss"\n'


OPML = ('<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline type="rss" text="more" xmlUrl="https://more.example/rss"/></body></opml>')
# A real `feeds import`, killed by the kernel when its writes pass RLIMIT_FSIZE (SIGXFSZ, which Python ignores at
# start: its default, to kill, is put back), so it stops inside its write of the new config, as a SIGKILL there does
KILLED_PAST_ITS_LIMIT = ("import signal, sys\nsignal.signal(signal.SIGXFSZ, signal.SIG_DFL)\n"
                         "from newsflow import cli\nsys.exit(cli.main(sys.argv[1:]))\n")


@pytest.mark.parametrize("written", [0, len(OLD) + 12], ids=["before its first byte", "part way"])
def test_an_import_killed_as_it_writes_the_new_config_leaves_nothing_said_for_ever(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: int
) -> None:
    """Review of Local 27: the import's file had its digests' name from its making, so one killed as it wrote (the
    likeliest moment) left a file, empty or a part of the new config, matching neither digest: kept, and every
    command told the user to merge it, for ever. It is named `.unwritten` until written whole and synced now, so
    the next command removes it, says to import again, and the one after says nothing."""
    path, opml = tmp_path / "newsflow.toml", tmp_path / "feeds.opml"
    path.write_bytes(OLD)
    opml.write_text(OPML)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_PAST_ITS_LIMIT, "feeds", "import", str(opml), "--config", str(path)],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (written, written)),
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True, timeout=120, check=False)
    assert killed.returncode == -signal.SIGXFSZ, killed.stderr
    [left] = tmp_path.glob(".newsflow.toml.*.partial")
    assert left.stat().st_size == written and path.read_bytes() == OLD
    assert cli.main(["feeds", "--config", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"newsflow: warning: {left} was left by a `feeds import` stopped" in err, err
    assert "the feeds it was adding are not in it: removed it; run `newsflow feeds import` again" in err, err
    assert not left.exists() and path.read_bytes() == OLD
    assert cli.main(["feeds", "--config", str(path)]) == 0
    assert ".partial" not in capsys.readouterr().err


@pytest.mark.parametrize(("config", "left", "kept"), [
    (OLD + ADDED, OLD, False),  # the config as it was, displaced by the exchange: removed
    (OLD, OLD + ADDED, False),  # the import's own new config, never swapped in: removed
    (ADDED, OLD, True),  # review of Local 26: the config was 0 bytes; another program's save at the name: kept
    (b"", OLD, True),  # the same, the crash before the exchange: the config still 0 bytes
    (OLD + ADDED, OLD[:-10], True),  # another program's save that only cut the config's last lines: kept
], ids=["displaced config", "unswapped import", "empty config, another save", "empty config before the exchange",
        "a save that cut the last lines"])
def test_only_a_partial_save_provably_the_imports_own_is_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: bytes, left: bytes, kept: bool
) -> None:
    """Left by Local 26's review: `files.stray_saves` removed any `.partial` whose bytes began the config or that
    the config's bytes began: with a 0-byte config, every one; and another program's save that only lost the
    config's last lines. The import's file is now named by the digests of what it may hold (the config as it
    was, its new one), and only a file holding one of those, in its place beside the config, is removed."""
    path = tmp_path / "newsflow.toml"
    was = b"" if config in (ADDED, b"") else OLD
    stray = files.import_save_name(path, was, was + ADDED, "k1ll3d")  # an import's, killed once written whole
    path.write_bytes(config)
    stray.write_bytes(left)
    assert cli.main(["feeds", "--config", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"newsflow: warning: {stray} was left by a `feeds import` stopped" in err, err
    assert stray.exists() == kept and path.read_bytes() == config
    if kept:
        assert "not provably the import's own" in err and f"then delete {stray.name}" in err, err


def test_a_partial_save_whose_name_holds_no_digests_is_kept_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `.partial` beside the config that no import of this newsflow named (an older one's, or a hand's) cannot
    be proved the import's own, whatever it holds: kept and named, never removed."""
    path = tmp_path / "newsflow.toml"
    path.write_bytes(OLD + ADDED)
    stray = tmp_path / ".newsflow.toml.k1ll3d.partial"
    stray.write_bytes(OLD)
    handle = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)  # nothing holds it: an import in flight would
    finally:
        os.close(handle)
    assert cli.main(["feeds", "--config", str(path)]) == 0
    assert stray.exists() and "not provably the import's own" in capsys.readouterr().err


def test_a_file_where_duckdbs_spill_folder_goes_is_said_when_a_write_spills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`news.duckdb.tmp` a file (a stray copy, `touch`) or a FIFO: DuckDB spills a write that outgrows the writer's
    memory into that folder, and failed `Failed to create directory …: File exists`, which newsflow's line
    followed with `Is the disk full? … free space there`. Now the line names the folder and says to move it aside.
    The writer's memory is made small here (16 MB, not 256) so a small write spills."""
    wh = tmp_path / "news.duckdb"
    _warehouse(wh)
    spill = tmp_path / "news.duckdb.tmp"
    spill.write_text("not a folder\n")
    monkeypatch.setattr(warehouse, "WRITER_MEMORY_LIMIT", "16MB")
    with pytest.raises(WarehouseError) as refused, Warehouse(wh).writing() as con:
        con.execute("SET threads = 1")
        con.execute("CREATE TABLE spilled AS SELECT md5(range::VARCHAR) AS s FROM range(200000) ORDER BY s")
    said = str(refused.value)
    assert f"cannot write {wh}: IO Error: Failed to create directory" in said and "\n" not in said, said
    assert f"in the folder {spill}, and cannot use what is there" in said and "move it aside" in said, said
    assert "disk full" not in said, said
    assert spill.read_text() == "not a folder\n"


SPILL_FAILURES = [  # the end of DuckDB's error, what the line must say
    ("No space left on device", "Is the disk full?"),  # a full disk, or no inodes left (review of Local 27)
    ("Disk quota exceeded", "Is this user's disk quota used up?"),
    ("File exists", "move it aside"),  # a file or a FIFO in the folder's place (the real one: the test above)
    ("Not a directory", "move it aside"),
    ("Permission denied", "move it aside"),
]


def test_only_a_spill_folder_that_cannot_be_used_is_said_so_a_full_disk_is_said_full(tmp_path: Path) -> None:
    """`mkdir news.duckdb.tmp` failing on a full disk (or one with no inodes left) quotes the folder as a file in
    its place does, and got the spill folder's line, `move it aside`, with nothing there to move. DuckDB's own
    error, in the words it gives (read off a tmpfs with its inodes used up, `nr_inodes=40`), raised inside a real
    writer: the line says the disk is full, unless the error says the folder is unusable."""
    wh = tmp_path / "news.duckdb"
    _warehouse(wh)
    for why, said in SPILL_FAILURES:
        with pytest.raises(WarehouseError) as refused, Warehouse(wh).writing():
            raise duckdb.IOException(f'IO Error: Failed to create directory "{wh}.tmp": {why}')
        line = str(refused.value)
        assert said in line and "\n" not in line, (why, line)
        assert ("cannot use what is there" in line) == (said == "move it aside"), (why, line)
