"""`python -m tests.hostile.reextract_child CONFIG BATCH PHASE`: the real `newsflow reextract`, SIGKILLed at one
point of its pass: `start` (its pass recorded, nothing done), `before` (batch BATCH not begun), `inside` (batch
BATCH's rows written, not committed), `after` (batch BATCH committed), `end` (every batch committed, the pass
not closed); `never` lets it finish (test_local20.py runs that pass in process: `install` with a MonkeyPatch's
setattr). Every article a batch extracted (changed, unchanged or failed) is logged in `test_written` in the
transaction that writes the batch, so the test sees which articles were re-extracted and committed, and how often
(tests/hostile/test_local20.py)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from newsflow import reextract, warehouse
from newsflow.cli import main


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def install(batch: int, phase: str, replace: Callable[[object, str, Any], None] = setattr) -> None:
    """Put the kill points and the log in place; `replace` sets each (a test's `MonkeyPatch.setattr` undoes them)."""
    calls = {"batch": -1}
    extracted: list[str] = []
    real_batch, real_update, real_row = reextract.reextract_batch, warehouse.update_extractions, reextract.updated_row
    real_start, real_end = warehouse.start_or_resume_pass, warehouse.end_pass

    def batch_then_die(*args: Any) -> None:
        calls["batch"] += 1
        if phase == "before" and calls["batch"] == batch:
            die()
        real_batch(*args)
        if phase == "after" and calls["batch"] == batch:
            die()

    def row_and_note(target: Any, result: Any) -> tuple[object, ...] | None:
        extracted.append(target.article_id)
        return real_row(target, result)

    def update_and_log(con: Any, rows: Sequence[tuple[object, ...]]) -> None:
        real_update(con, rows)
        con.execute("INSERT INTO test_written SELECT unnest($ids), $pid", {"ids": extracted, "pid": os.getpid()})
        extracted.clear()
        if phase == "inside" and calls["batch"] == batch:
            die()

    def start_then_die(*args: Any) -> set[str]:
        done = real_start(*args)
        if phase == "start":
            die()
        return done

    def end_after_dying(con: Any) -> None:
        if phase == "end":
            die()
        real_end(con)

    replace(reextract, "reextract_batch", batch_then_die)
    replace(reextract, "updated_row", row_and_note)
    replace(warehouse, "update_extractions", update_and_log)
    replace(warehouse, "start_or_resume_pass", start_then_die)
    replace(warehouse, "end_pass", end_after_dying)


if __name__ == "__main__":
    config, batch, phase = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    install(batch, phase)
    sys.exit(main(["reextract", "--config", config]))
