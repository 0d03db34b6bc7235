"""What a stopped run (hunt 49, hunt 50: `tests/hostile/hunt49world.py`) and its follow-up left in the warehouse and
said, checked against each other: each check returns what it found broken, in words."""

from __future__ import annotations

import re
from pathlib import Path

from newsflow.models import TAKEN_WHOLE_OUTCOMES
from tests.world.invariants import query

NOISE = ("Traceback", "never retrieved", "Exception ignored", "Task was destroyed")


def warehouse_said(path: Path, total: int) -> list[str]:
    found = []
    stored = query(path, "SELECT count(*), count(DISTINCT canonical_url) FROM articles")[0]
    if stored != (total, total):
        found.append(f"articles stored {stored[0]} ({stored[1]} distinct) of {total} items")
    miscounted = query(path, """
        SELECT r.run_id, r.status, r.articles_stored, r.articles_fetched, r.entries_new,
               (SELECT count(*) FROM articles a WHERE a.run_id = r.run_id),
               (SELECT count(*) FROM fetch_events e WHERE e.run_id = r.run_id AND e.kind = 'article'
                AND e.status_code BETWEEN 200 AND 299 AND list_contains($whole, e.outcome)),
               (SELECT count(*) FROM entries n WHERE n.run_id = r.run_id)
        FROM runs r ORDER BY r.started_at""", {"whole": sorted(str(outcome) for outcome in TAKEN_WHOLE_OUTCOMES)})
    for run_id, status, said_stored, said_fetched, said_new, carries, fetched, new in miscounted:
        if status == "running" or (said_stored, said_fetched, said_new) != (carries, fetched, new):
            found.append(f"run {run_id[:8]} {status}: row says {said_stored} stored, {said_fetched} fetched, "
                         f"{said_new} new entries; {carries} articles, {fetched} pages taken whole (2xx) and {new} "
                         f"entries carry its id")
    return found


ABANDONED = re.compile(r"^run (\S+) ended without recording its end .*: marked abandoned, with the (\d+) articles it "
                       r"stored; what it had not stored stays pending$", re.MULTILINE)
PROGRESS = re.compile(r"^articles: (\d+) of (\d+) done, (\d+) stored", re.MULTILINE)


def follow_up_said(path: Path, stderr: str) -> list[str]:
    """The follow-up names each run it marked abandoned, with what it stored, and no other; its last progress line
    counts what its own row says it stored; no noise."""
    found = [f"follow-up stderr carries {noise!r}" for noise in NOISE if noise in stderr]
    said = sorted((run_id, int(stored)) for run_id, stored in ABANDONED.findall(stderr))
    rows = query(path, "SELECT run_id, status, articles_stored FROM runs ORDER BY run_seq")
    abandoned = sorted((run_id, stored) for run_id, status, stored in rows if status == "abandoned")
    if said != abandoned:
        found.append(f"the follow-up said it marked {said} abandoned; the rows say {abandoned}")
    progress, stored = PROGRESS.findall(stderr), rows[-1][2] if rows else 0
    if stored and (not progress or progress[-1][0] != progress[-1][1] or int(progress[-1][2]) != stored):
        found.append(f"the follow-up's last progress line {progress[-1:]} is not its row's {stored} stored")
    return found


def half_polled(path: Path, before: Path, groups: list[list[str]], run_id: str) -> list[str]:
    """Each feed of a group of polls the stopped run wrote has its poll row, feed event and entries under the run's
    id, or none of them; and, as the run left the warehouse (`before`), its state says polled exactly then."""
    found = []
    for feeds in groups:
        for feed in feeds:
            there = [query(path, f"SELECT count(*) > 0 FROM {table} WHERE run_id = $r AND feed_id = $f{also}",
                           {"r": run_id, "f": feed})[0][0]
                     for table, also in (("polls", ""), ("fetch_events", " AND kind = 'feed'"), ("entries", ""))]
            if before.exists():
                there += query(before, "SELECT count(*) > 0 FROM feeds WHERE feed_id = $f AND last_polled_at IS NOT "
                                       "NULL", {"f": feed})[0]
            if len(set(there)) > 1:
                found.append(f"the poll of {feed} half committed (poll row, feed event, entries, state): {there}")
    return found


def half_loaded(path: Path, batches: list[list[str]], run_id: str) -> list[str]:
    found = []
    for urls in batches:
        present = query(path, "SELECT count(*) FROM fetch_events WHERE run_id = $r AND kind = 'article' AND "
                              "list_contains($u, url)", {"r": run_id, "u": urls})[0][0]
        if present not in (0, len(urls)):
            found.append(f"a batch of {len(urls)} half loaded: {present} under the stopped run")
    return found
