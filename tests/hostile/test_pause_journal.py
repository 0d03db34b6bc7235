"""A host's pause spooled as it is heard (`newsflow.pausejournal`; docs/security.md, "A host's pause kept
across runs"): bounded writes, no wait for a reader, read back by the next run's start while a reader holds
the warehouse. The killed runs themselves: tests/hostile/test_pause_world.py."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow import hostholds, pausejournal
from newsflow.models import HostPause
from newsflow.pacing import HostGate
from newsflow.pausejournal import BURST, STEP_SECONDS, spooled_pauses
from newsflow.spool import replay, spool_dir_for
from newsflow.urls import host_key, host_of
from newsflow.warehouse import Warehouse, pending_entries
from tests.hostile.test_readers import holding

CAP = 86400.0


def made_store(tmp_path: Path, made: bool = True) -> Warehouse:
    """The warehouse (made only where the test opens it: the journal never does; migrating costs ~1 s)."""
    store = Warehouse(tmp_path / "news.duckdb", write_patience=0.0)
    if made:
        with store.writing():
            pass
    return store


def test_a_host_answering_every_request_with_a_pause_is_written_once_per_step(tmp_path: Path) -> None:
    """Each request answered 429 (a short Retry-After the run waits out, then asks again): one write, not one a
    request; a pause reaching a step past the kept one is written again."""
    store, gate = made_store(tmp_path, made=False), HostGate(4, 2, 0.0)
    journal = hostholds.hold_and_keep(store, "r", CAP, [], gate)
    for n in range(500):
        gate.pause("busy.example", 2.0, 429, f"https://busy.example/{n}")
    assert journal.writes == 1 and len(list(spool_dir_for(store.path).iterdir())) == 1
    gate.pause("busy.example", STEP_SECONDS + 10.0, 429)
    assert journal.writes == 2
    [kept] = hostholds.in_force(spooled_pauses(store), CAP)
    assert kept.host == "busy.example" and kept.status == 429
    assert kept.until_at > datetime.now(UTC) + timedelta(seconds=STEP_SECONDS)


def test_a_pause_kept_already_is_not_written_again(tmp_path: Path) -> None:
    """The pauses read at the run's start are durable: the same pause heard again (a Dask worker's answer)
    writes nothing."""
    store, gate, now = made_store(tmp_path, made=False), HostGate(4, 2, 0.0), datetime.now(UTC)
    held = hostholds.in_force([HostPause("kept.example", now + timedelta(hours=1), now)], CAP)
    journal = hostholds.hold_and_keep(store, "r", CAP, held, gate)
    gate.pause("kept.example", 3600.0, 503)
    assert journal.writes == 0 and spooled_pauses(store) == []


def test_ten_thousand_hosts_at_once_are_gathered_into_few_writes(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A CDN answering 503 for ten thousand sites: the first `BURST` are written as heard, the rest gathered
    (at most one write a gap); every one is kept, capped."""
    monkeypatch.setattr(pausejournal, "GAP_SECONDS", 0.05)
    store = made_store(tmp_path, made=False)

    async def heard() -> None:
        gate = HostGate(4, 2, 0.0)
        journal = hostholds.hold_and_keep(store, "r", 3600.0, [], gate)
        journal.clock = lambda: 1000.0  # all heard at one moment
        for n in range(10_000):
            gate.pause(f"site{n}.example", 7200.0, 503)
        assert journal.writes == BURST, "past the burst, no write before the gap"
        assert journal.waiting == 10_000 - BURST
        deadline = time.monotonic() + 10
        while journal.waiting:  # the gap's timer writes them, without the run's end
            assert time.monotonic() < deadline, "the gathered pauses were never written"
            await asyncio.sleep(0.01)
        assert journal.writes == BURST + 1, "the gap's one write"
        journal.close()

    asyncio.run(heard())
    kept = spooled_pauses(store)
    assert len({p.host for p in kept}) == 10_000
    assert all(p.until_at - p.asked_at <= timedelta(seconds=3600) for p in kept), "capped at polling.max_interval"


def test_a_pause_is_kept_beside_a_reader_without_waiting_and_read_back_at_the_next_start(tmp_path: Path) -> None:
    """A reader holds the warehouse: the journal writes the pause at once (it never opens the warehouse), the
    next run's start cannot replay it and reads it from the spool; once the reader lets go it is replayed into
    `host_pauses`."""
    store, gate = made_store(tmp_path), HostGate(4, 2, 0.0)
    store.write_patience = 30.0  # a journal that waited for the reader would take this long
    journal = hostholds.hold_and_keep(store, "killed", CAP, [], gate)
    with holding(store.path, "read-only"):
        started = time.monotonic()
        gate.pause("busy.example", 7200.0, 503, "https://busy.example/a")
        assert journal.writes == 1 and time.monotonic() - started < 5
        with store.run_lock():
            store.write_patience = 0.0
            assert not replay(store), "the reader refuses the replay"
            [read] = hostholds.read_at_start(store, CAP)
    assert read.host == "busy.example" and read.status == 503
    with store.run_lock():
        assert replay(store)
    assert spooled_pauses(store) == [] and hostholds.read_at_start(store, CAP) == [read]


def test_a_paused_hosts_pending_articles_take_no_turn_from_a_free_host(tmp_path: Path) -> None:
    """Under `execution.max_articles_per_run`, a paused host's older pages took the turns (hosts in the order of
    their oldest page): the run chose them, sent them nothing, and a free host's pages waited too. Now the paused
    hosts come last, still counted in the total; with room, they are chosen (and deferred) as before."""
    store = made_store(tmp_path)
    seen = datetime(2026, 12, 1, tzinfo=UTC)
    rows = [(f"https://{host}/{n}", seen + timedelta(minutes=minutes))
            for host, n, minutes in (("Paused.example:8443", 1, 0), ("paused.example.", 2, 1), ("free.example", 3, 2))]
    with store.writing() as con:
        for n, (url, at) in enumerate(rows):
            con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id) "
                        "VALUES ('f', $guid, $url, $url, 't', $at, 'r')", {"guid": f"g{n}", "url": url, "at": at})
        before, _ = pending_entries(con, ["f"], 1)
        chosen, total = pending_entries(con, ["f"], 1, ["paused.example"])
        everything, _ = pending_entries(con, ["f"], 10, ["paused.example"])
    assert [p.url for p in before] == ["https://Paused.example:8443/1"], "the old order: the oldest host first"
    assert [p.url for p in chosen] == ["https://free.example/3"] and total == 3
    assert everything[0].url == "https://free.example/3" and len(everything) == 3


def test_a_spool_that_cannot_be_written_is_tried_a_bounded_number_of_times(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The spool's folder cannot be made (a file has its name; a full disk, a folder of another user fail
    alike): a host answering 429 to every request made a failed write a request (the failed pause was never
    counted as kept, nor as a write), each a mkdir, a temporary file and an fsync on the run's loop. Now a
    failed write counts as one, and its pauses wait for the next: written once the spool can be written."""
    store, gate = made_store(tmp_path, made=False), HostGate(4, 2, 0.0)
    spool_dir_for(store.path).write_bytes(b"not a folder")
    journal = hostholds.hold_and_keep(store, "r", CAP, [], gate)
    tried = 0
    write = journal._write

    def counted(pauses: list[HostPause]) -> None:
        nonlocal tried
        tried += 1
        write(pauses)

    journal._write = counted  # type: ignore[method-assign]
    journal.clock = lambda: 1000.0  # all heard at one moment: past the burst, the gap's timer would try

    async def heard() -> None:  # on a loop, as in a run: the gap's timer is the loop's
        for n in range(500):
            gate.pause("busy.example", 2.0, 429, f"https://busy.example/{n}")

    asyncio.run(heard())
    assert tried <= BURST, f"{tried} failed writes for one host's 500 answers"
    assert journal.writes == 0 and journal.waiting == 1, "the failed pause waits for the next write"
    assert sum("cannot keep the hosts' Retry-After pauses" in r.message for r in caplog.records) == 1
    spool_dir_for(store.path).unlink()
    journal.close()
    [kept] = spooled_pauses(store)
    assert kept.host == "busy.example" and journal.writes == 1


def test_a_paused_ipv6_host_comes_last_too(tmp_path: Path) -> None:
    """The gate keys an IPv6 host without its brackets (`urls.host_key`: `::1`); the canonical URL keeps them
    (`http://[::1]:8080/`), so a paused IPv6 host was never matched and kept taking the free hosts' turns."""
    store = made_store(tmp_path)
    seen = datetime(2026, 12, 1, tzinfo=UTC)
    urls = ["http://[::1]:8080/1", "http://[2001:db8::1]/2", "https://free.example/3"]
    with store.writing() as con:
        for n, url in enumerate(urls):
            con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id) "
                        "VALUES ('f', $guid, $url, $url, 't', $at, 'r')",
                        {"guid": f"g{n}", "url": url, "at": seen + timedelta(minutes=n)})
        paused = [host_key(host_of(url)) for url in urls[:2]]
        assert paused == ["::1", "2001:db8::1"], "the gate's spelling"
        chosen, total = pending_entries(con, ["f"], 1, paused)
    assert [p.url for p in chosen] == ["https://free.example/3"] and total == 3
