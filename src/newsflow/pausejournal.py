"""A host's pause kept as it is heard, so a killed run loses none (docs/security.md, "A host's pause kept
across runs").

Written only at the run's end, a pause died with a run that never got there: SIGKILLed by a scheduler for
overrunning, by the OOM killer, a power cut, a container stopped past its grace. The next run, a quarter of
an hour later, sent the host that had asked to be left alone its feeds' polls and its articles' requests.

Now the run's host gate tells a `PauseJournal` of each pause as it is asked (`HostGate.on_asked`), before the
request's slot is given back, and the journal spools it at once: the load `readersafe.store_host_pauses`, one
small file written whole or not at all (fsynced, renamed), the very mechanism that keeps a run's loads while a
reader holds the warehouse. It needs no lock on the warehouse, so a reader costs it nothing. The run's next
load (or the next run's start) replays it into `host_pauses`; while a reader still holds the warehouse the
next run reads it from the spool (`spooled_pauses`). The merge keeps the later end per host, so replaying a
pause twice, late or out of order changes nothing.

Writes are bounded: a host is written again only when its pause reaches `STEP_SECONDS` past the one kept
(a host answering 429 to every request is written at most once per `STEP_SECONDS` of pause), and past the
first `BURST` writes of a run the pauses are gathered into at most one write per `GAP_SECONDS` (a CDN
answering 503 for ten thousand sites at once). What a kill can lose: a pause heard in the last
`GAP_SECONDS` after the burst, and less than `STEP_SECONDS` of a pause's extension.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsflow import readersafe, spoolowners
from newsflow.errors import WarehouseError
from newsflow.models import HostPause
from newsflow.spool import SUFFIX, SpooledLoad, dump_load, kind_of, own_loads_of, spool_of
from newsflow.warehouse import Warehouse

log = logging.getLogger(__name__)
STEP_SECONDS = 30.0  # a pause that ends less than this past the one kept for its host is not written again
BURST = 16  # writes a run makes as pauses come, before it gathers them
GAP_SECONDS = 1.0  # past the burst, at most one write per this many seconds
WRITE_ATTEMPTS = 3
# Journal files sort first (sequence 0) and are written without the spool's lock (a load may hold it for
# seconds, waiting for a reader): their order does not matter, the merge keeps the later end.
JOURNAL_SEQUENCE = f"{0:09d}"
_KIND = kind_of(readersafe.store_host_pauses)


class PauseJournal:
    """Spools each pause a host asks for, capped at `cap_seconds` from when it was asked, as it is heard."""

    def __init__(self, store: Warehouse, run_id: str, cap_seconds: float, kept: Sequence[HostPause]) -> None:
        self._spool, self._run_id, self._cap = spool_of(store), run_id, timedelta(seconds=max(0.0, cap_seconds))
        # whose the pauses are: a journal file carried no id, so a warehouse made in the place of one moved aside
        # read (and loaded) the moved one's pauses as its own (Local 30's Left, closed in Local 31)
        self._warehouse_id = spoolowners.id_of(store)
        self._kept = {pause.host: pause.until_at for pause in kept}  # per host, the end already durable
        self._waiting: dict[str, HostPause] = {}
        self._writes, self._last_write = 0, -math.inf
        self._tries = 0  # writes tried, failed ones included: what the burst and the gap bound
        self._timer: asyncio.TimerHandle | None = None
        self._warned = False
        self.clock = time.monotonic  # the gap's clock (a test stops it)

    @property
    def cap_seconds(self) -> float:
        return self._cap.total_seconds()

    @property
    def writes(self) -> int:
        return self._writes

    @property
    def waiting(self) -> int:
        """Pauses heard and not written yet (gathered for the next write)."""
        return len(self._waiting)

    def note(self, asked: HostPause) -> None:
        """Keep `asked` now, unless its host's kept pause already ends within `STEP_SECONDS` of it."""
        pause = replace(asked, until_at=min(asked.until_at, asked.asked_at + self._cap))
        if pause.until_at <= pause.asked_at:
            return
        kept = self._kept.get(pause.host)
        if kept is not None and pause.until_at <= kept + timedelta(seconds=STEP_SECONDS):
            return
        self._wait(pause)
        if self._tries < BURST or self.clock() - self._last_write >= GAP_SECONDS:
            self.flush()
        else:
            self._flush_later()

    def _wait(self, pause: HostPause) -> None:
        waiting = self._waiting.get(pause.host)
        if waiting is None or pause.until_at > waiting.until_at:
            self._waiting[pause.host] = pause

    def _flush_later(self) -> None:
        if self._timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # told outside the run's loop: nothing would fire the timer
            self.flush()
            return
        self._timer = loop.call_later(max(0.0, self._last_write + GAP_SECONDS - self.clock()), self.flush)

    def flush(self) -> None:
        """Write the pauses waiting, in one spool file."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._waiting:
            return
        pauses = sorted(self._waiting.values(), key=lambda p: p.host)
        self._waiting.clear()
        self._tries, self._last_write = self._tries + 1, self.clock()
        try:
            self._write(pauses)
        except (OSError, WarehouseError) as exc:  # the run's end writes them again; say so once
            # A failed try is bounded as a write is (else a host answering 429 to every request made a failed
            # write a request, the pause never kept); its pauses wait for the next try, the gap's.
            for pause in pauses:
                self._wait(pause)
            if not self._warned:
                log.warning("cannot keep the hosts' Retry-After pauses as they come (%s: %s); the run's end "
                            "writes them, but a run killed before it loses them", self._spool.directory,
                            getattr(exc, "strerror", None) or exc)
            self._warned = True
            return
        self._kept.update({pause.host: pause.until_at for pause in pauses})
        self._writes += 1

    def _write(self, pauses: list[HostPause]) -> None:
        now = datetime.now(UTC)
        spool_id = f"{self._run_id}-{uuid.uuid4().hex[:16]}"
        content = dump_load(SpooledLoad(spool_id, self._run_id, _KIND, (pauses, now), now,
                                        warehouse_id=self._warehouse_id))
        self._spool.directory.mkdir(parents=True, exist_ok=True)
        for attempt in range(WRITE_ATTEMPTS):
            try:
                self._spool.write_named(f"{JOURNAL_SEQUENCE}.{spool_id}{SUFFIX}", content)
                return
            except FileNotFoundError:  # a replay in another thread took our temporary file for a killed
                if attempt == WRITE_ATTEMPTS - 1:  # writer's (`spool.discard_stale_tmp`): write it again
                    raise

    def close(self) -> None:
        """Write what waits (the run's end writes the pauses in force again, with the warehouse)."""
        self.flush()


def spooled_pauses(store: Warehouse) -> list[HostPause]:
    """The pauses in the spool, not yet replayed (a reader holds the warehouse): what a killed run, or one
    that ended beside a reader, kept there."""
    return [pause for load in own_loads_of(store, _KIND) for pause in load.args[0] if isinstance(pause, HostPause)]
