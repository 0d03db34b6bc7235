"""Local 32: the machine's limits (docs/security.md, "Local 32").

Real parts, in this process: real descriptors against a real `RLIMIT_NOFILE` (restored), a real EMFILE, a real
`MemoryError` and DuckDB's real `Out of Memory Error`, a real tmpfs with `nr_inodes` (root, as CI). The runs under
each limit in a child process (50 feeds on loopback) are in the doc's table; they cost seconds each, so they are
not kept here: each line they showed is made here from the same real error.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import tracemalloc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import duckdb
import pytest
from flows.daskrunner import dask_task_runner

from newsflow import daskaddress, files, machinelimits, openfiles, polls, runner, runstops, warehouse
from newsflow.config import load_config
from newsflow.errors import ConfigError, InputError
from newsflow.extractpool import ExtractorPool, PageToExtract
from newsflow.machinelimits import MachineLimitError
from newsflow.models import FeedConfig, FeedEntry, PendingArticle
from newsflow.pipeline import RunCounts
from newsflow.runlock import room_question
from newsflow.warehouse import writefailures
from tests.conftest import write_config
from tests.hostile.fulldisk import fill, tmpfs
from tests.hostile.killed_at_start import KilledAtItsStart
from tests.test_pipeline import query


@contextmanager
def _soft_limit(soft: int) -> Iterator[None]:
    """This process's open-files soft limit at `soft` for the block, then as it was (xdist runs other tests here)."""
    before = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, before[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, before)


@contextmanager
def _descriptors(count: int) -> Iterator[None]:
    opened = [os.open(os.devnull, os.O_RDONLY) for _ in range(count)]
    try:
        yield
    finally:
        for fd in opened:
            os.close(fd)


def _real_emfile() -> OSError:
    """The OSError the kernel gives an open past this process's limit: the limit just above its highest
    descriptor, the gaps below it filled, then one more."""
    opened: list[int] = []
    with _soft_limit(max(int(fd) for fd in os.listdir("/proc/self/fd")) + 1):
        try:
            for _ in range(4096):
                opened.append(os.open(os.devnull, os.O_RDONLY))
        except OSError as exc:
            return exc
        finally:
            for fd in opened:
                os.close(fd)
    raise AssertionError("an open past the limit was let through")


def test_descriptors_a_parent_left_open_count_against_a_runs_open_files_limit() -> None:
    """Probed: `ulimit -n 64` with 48 descriptors left open by the parent (a supervisor that does not close them)
    and fetch.concurrency = 4 passed the check (48 needed, 64 allowed), then failed mid-poll: a traceback, `0
    polled`, exit 0; with 8 free, `newsflow: …news.duckdb-spool: Too many open files`, exit 1. Now those descriptors
    count: the run is refused before it starts, one line naming them."""
    needed = openfiles.files_a_run_needs(4, 2)
    room = needed + openfiles.inherited_files() + 4
    with _soft_limit(room):
        openfiles.refuse_too_few_for_a_run(4, 2)  # as many open as a newsflow process has: room enough
        with _descriptors(10), pytest.raises(InputError) as refused:
            openfiles.refuse_too_few_for_a_run(4, 2)
    line = str(refused.value)
    inherited = room - needed - 4 + 10
    assert "\n" not in line and line.startswith(f"this process may open at most {room} files"), line
    assert (f"keeps up to about {needed} open, besides the {inherited} its parent process left open to it (close "
            f"them there, or raise the limit): raise the limit to {needed + inherited} at least") in line, line


def test_an_emfile_in_the_poll_stage_ends_the_run_with_the_open_files_line() -> None:
    """The poll stage logged any error with its traceback and went on: under the limit, `0 polled`, exit 0. An
    error that is the machine's limit now ends the run, with its line (the CLI's exit 1); any other goes on."""

    class Limited(runner.Stages):
        async def poll(self, ctx: runner.RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:
            raise _real_emfile()

    errors: list[str] = []
    with pytest.raises(MachineLimitError) as ended:
        asyncio.run(runner.poll_safely(cast(runner.RunContext, None), [], Limited(), errors))
    line = str(ended.value)
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    assert "\n" not in line and line.startswith("the run ran out of open files (Too many open files: this process "
                                                f"may open {soft}, `ulimit -n`, and "), line
    assert "what the run stored is kept and the rest stays pending for the next run: raise the limit" in line
    assert errors == []


class OutOfMemoryInEachBatch(runner.Stages):
    """Its poll lists three entries (no feed fetched); each batch meets a real MemoryError (an allocation no machine
    grants) before it fetches: a page that needs more memory than the machine gives, every time it is tried."""

    async def poll(self, ctx: runner.RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:
        urls = [f"http://wire.test/a/{n}" for n in range(3)]
        with ctx.write_lock, ctx.store.writing() as con:
            new = warehouse.insert_entries(con, ctx.run_id, [FeedEntry("wire", u, u, u, u, None, None) for u in urls])
        return RunCounts(feeds_polled=len(feeds), entries_new=sum(new.values()))

    async def batch(self, ctx: runner.RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        bytearray(2**62)
        raise AssertionError("an allocation of 4 EiB was granted")


def test_a_batch_that_ran_out_of_memory_costs_its_articles_an_attempt_and_the_run_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Review of Local 32, F1: a batch that met the limit ended the run and cost no attempt, so a page that meets
    it every time headed the queue and ended every later run there, the healthy feeds starved. Each batch is
    main's again: its articles a counted attempt each, parked after `max_article_attempts`, the run goes on, and
    the machine's line is said once a run as a warning, not once a batch."""
    config_path = write_config(tmp_path, "http://wire.test", {"wire": "/feed.xml"}, extract={"batch_size": 1})
    config_path.write_text(config_path.read_text() + "\n[execution]\nmax_article_attempts = 1\n")
    config = load_config(config_path)
    with caplog.at_level(logging.WARNING, logger="newsflow.runner"):
        summary = asyncio.run(runner.run_ingest(config, "limited", stages=OutOfMemoryInEachBatch()))
    assert (summary.status, summary.counts.articles_failed, summary.counts.articles_parked) == ("completed", 3, 3)
    said = [r.getMessage() for r in caplog.records if "the run ran out of memory (MemoryError" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("a batch of 1 articles failed, each recorded failed: "), said
    assert query(config_path, "SELECT count(*) FROM entries WHERE fetch_attempts = 1") == [(3,)]


def test_running_out_of_memory_is_one_line_naming_the_limit() -> None:
    """A real MemoryError and DuckDB's real `Out of Memory Error` (six lines, with its `Possible solutions`) were
    `run crashed: OutOfMemoryException: …` over six lines, or a traceback (the direct run): one line now."""
    con = duckdb.connect()
    try:
        con.execute("SET memory_limit = '1MB'")
        with pytest.raises(duckdb.Error) as out_of_memory:
            con.execute("SELECT list(range) FROM range(1000000)").fetchall()
    finally:
        con.close()
    assert "\n" in str(out_of_memory.value)
    with pytest.raises(MemoryError) as no_memory:
        bytearray(2**62)
    for error, said in ((out_of_memory.value, "Out of Memory Error: "), (no_memory.value, "MemoryError; ")):
        line = machinelimits.said_of(error)
        assert line is not None and "\n" not in line, line
        assert line.startswith(f"the run ran out of memory ({said}"), line
        assert "lower extract.batch_size, extract.workers or fetch.max_bytes, and run it again" in line


def test_a_worker_sigkilled_as_it_starts_is_said_so_not_as_slow() -> None:
    """Probed: a worker of the feed parsers' pool SIGKILLed as it started (the OOM killer's way) was `extraction
    worker did not start within 60 s`, 15 s into the run, logged with the poll stage's traceback, then `0 polled`,
    exit 0. A real worker, killed as it unpickles its extractor: the machine's line, which ends the run."""
    with ExtractorPool(1, 5.0, extractor=KilledAtItsStart()) as pool, pytest.raises(MachineLimitError) as killed:
        pool.extract_many([PageToExtract(key="0", html="<p>text</p>", url="http://a.example/")])
    assert str(killed.value).startswith("the run's extraction worker process was killed as it started (SIGKILL: the "
                                        "kernel's OOM killer does this when the machine runs out of memory"), killed


def test_other_errors_are_not_the_machines_limits() -> None:
    """The net takes only the limits: an unreadable file, a full disk and a bug keep their own lines."""
    for error in (PermissionError(13, "Permission denied", "/x"), OSError(28, "No space left on device"),
                  ValueError("bad"), RuntimeError("Query interrupted")):
        assert machinelimits.said_of(error) is None
    wrapped = ConnectionError("connect failed")
    wrapped.__cause__ = _real_emfile()  # as httpx raises it from the socket's OSError
    assert (machinelimits.said_of(wrapped) or "").startswith("the run ran out of open files")
    # RLIMIT_NPROC is not enforced on the machine this was probed on (a limit below root's tasks let the workers
    # start): the line is the thread module's own words
    assert (machinelimits.said_of(RuntimeError("can't start new thread")) or "").startswith(
        "the run could not start a process or thread")


def test_no_inode_free_with_bytes_free_is_not_said_as_a_full_disk(tmp_path: Path) -> None:
    """A real DuckDB database on a real tmpfs whose inodes are used up: its commit fails making its `.wal`, ENOSPC,
    and the line said `Is the disk full?` with megabytes free. It says the inodes now, and what frees one; a disk
    with no byte free is still said full."""
    with tmpfs(tmp_path / "disk", "size=4m,nr_inodes=16") as disk:
        path = disk / "news.duckdb"
        duckdb.connect(str(path)).close()
        files = disk / "files"
        files.mkdir()
        try:
            for number in range(64):
                (files / str(number)).touch()
        except OSError:
            pass
        error = _commit_error(path)
        refused = writefailures.write_failure(path, error)
        assert refused is not None
        line = str(refused)
        assert "No space left on device" in line and "Is the disk full?" not in line, line
        assert " MiB free but no inode (no new file can be made there" in line, line
        for made in files.iterdir():
            made.unlink()
        fill(disk / "filler")
        assert room_question("No space left on device", path) == "Is the disk full?"


def _commit_error(path: Path) -> duckdb.Error:
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE t AS SELECT 1 AS i")
    except duckdb.Error as exc:
        return exc
    finally:
        con.close()
    raise AssertionError("the commit was let through")


@pytest.mark.parametrize(("address", "said"), [
    ("   ", "'   ' is not a Dask scheduler's address like \"tcp://scheduler:8786\""),
    ("x" * 10_000, "is 10,000 characters; a Dask scheduler's address is `tcp://host:port`"),
    ("tcp://a b:8786", "'tcp://a b:8786' is not a Dask scheduler's address"),
    ("tcp://sched:8786/", "'tcp://sched:8786/' is not a Dask scheduler's address"),
], ids=["blank", "10 kB", "a space", "a trailing slash"])
def test_a_bad_dask_address_is_one_line_naming_the_key_where_a_dask_run_reads_it(
    tmp_path: Path, address: str, said: str
) -> None:
    """Local 31's Left: `execution.address` was taken whatever it held (Dask's own error said it, at a run). Review
    of Local 32, F2: it is checked where a Dask run reads it, never as the config is read (`newsflow query` exited 2
    for it), against the shapes Dask's `parse_address` takes."""
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[execution]\ntask_runner = "dask"\naddress = "{address}"\n', encoding="utf-8")
    execution = load_config(config).execution  # every command but a Dask run: taken
    with pytest.raises(ConfigError) as refused:
        dask_task_runner(execution, 1)
    assert str(refused.value).startswith(f"config error at execution.address: {said}"), refused.value
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("address", ["", "tcp://scheduler:8786", "scheduler:8786", "scheduler", "[::1]:8786",
                                     "ws://[::1]:8786", "wss://h:443", "ucx://[fe80::1]:13337", "tls://sched",
                                     "tls://[::1]:8786", "tcp://10.0.0.5:8786"])
def test_every_address_dask_takes_is_taken(address: str) -> None:
    """Each of these Dask's `parse_address` and `parse_host_port` take (checked on distributed 2026.8)."""
    daskaddress.refuse_a_bad_address(address)


@pytest.mark.parametrize(("text", "key"), [
    ('[fetch]\ntimeout = 5\n"timeout" = 6\n', "fetch.timeout"),
    ('[[feeds]]\nname = "a"\nurl = "http://a.example/f"\n[[feeds]]\nname = "b"\n\'name\' = "c"\n', "feeds[1].name"),
    ('[fetch]\ntimeout = 5\ntimeout.x = 6\n', "fetch.timeout"),
], ids=["quoted then bare", "in the second feed", "a value then a table under it"])
def test_a_key_given_twice_quoted_and_bare_is_named(tmp_path: Path, text: str, key: str) -> None:
    """Local 31's Left: tomllib says `Cannot overwrite a value (at line 3, column 14)`, naming no key; a key
    written once bare and once quoted is one key, which the user does not see as given twice."""
    config = tmp_path / "newsflow.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    line: Any = str(refused.value)
    assert "\n" not in line and line.endswith(f"; {key} is given twice (here, and above this line: quoted or not, "
                                              "it is one key): keep one of the two"), line


def test_a_small_file_read_under_a_large_cap_does_not_allocate_the_cap(tmp_path: Path) -> None:
    """Review of Local 32, F4: `read_capped` asked for the cap and one byte (`read(cap + 1)`), so the feed states'
    copy (9 bytes) read under a 256 MiB cap allocated 256 MiB, which `ulimit -v` refused: every run failed after
    its row. It asks for the file's size and one byte now; a file that grew since is still read to the cap."""
    small = tmp_path / "states.json"
    small.write_bytes(b'{"a": 1}\n')
    tracemalloc.start()
    try:
        assert files.read_capped(small, 256 << 20) == b'{"a": 1}\n'
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, f"{peak:,} bytes allocated to read 9"
    with pytest.raises(OSError, match="over the cap of 4"):
        files.read_capped(small, 4)


def test_duckdb_errors_quoting_the_limits_words_in_data_are_not_the_limits() -> None:
    """Review of Local 32, F5: the words were read in any error's text, and DuckDB quotes data: a URL holding
    `Cannot allocate memory` in a duplicate-key error was said as the run out of memory."""
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE t (u VARCHAR PRIMARY KEY)")
        con.execute("INSERT INTO t VALUES ('http://x.example/Cannot allocate memory')")
        for sql in ("INSERT INTO t VALUES ('http://x.example/Cannot allocate memory')",
                    "SELECT 'Too many open files'::INT"):
            with pytest.raises(duckdb.Error) as quoted:
                con.execute(sql)
            assert machinelimits.said_of(quoted.value) is None, quoted.value
    finally:
        con.close()


def test_a_poll_that_ends_the_run_cancels_the_others_first() -> None:
    """Review of Local 32, F7: the poll stage's `gather` raised the first poll's limit and left the others running,
    orphaned (`coroutine … was never awaited` at the loop's close). Each is cancelled and ended first now."""
    ended: list[str] = []

    async def waits(name: str, forever: asyncio.Event) -> None:
        try:
            await forever.wait()
        finally:
            ended.append(name)

    async def ends_the_run() -> None:
        await asyncio.sleep(0)  # the others have started
        raise MachineLimitError("the run ran out of open files")

    async def stage() -> list[str]:
        forever = asyncio.Event()
        with pytest.raises(MachineLimitError):
            await runstops.all_or_none_left([waits("a", forever), ends_the_run(), waits("b", forever)])
        return sorted(ended)  # as the error reaches the stage, not at the loop's close

    assert asyncio.run(stage()) == ["a", "b"]
    assert "runstops.all_or_none_left(poll_one(feed)" in Path(polls.__file__).read_text()
