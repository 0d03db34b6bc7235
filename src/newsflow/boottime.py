"""The machine's boot clock: seconds since this boot, suspend included, and which boot it is (docs/polling.md,
"Red team 35").

The outage grace (`outages.OUTAGE_GRACE`) is measured on the wall clock, which a user, a dead RTC battery or a VM
restored from a snapshot may set back: set back at every run of an outage, it restarted the grace each time, and a
site that died offline was never counted (red team 34's hunt, seed 201). The boot clock never goes back within a
boot; a reading of another boot (a reboot) tells nothing, and the wall clock alone is used. Linux only
(`CLOCK_BOOTTIME` and the kernel's boot id); elsewhere there is no reading.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@dataclass(frozen=True)
class BootReading:
    """The boot clock at one moment: the boot's id and its seconds since the boot."""

    boot: str
    seconds: float


def reading() -> BootReading | None:
    """The boot clock now, or None where the platform has none."""
    clock = getattr(time, "CLOCK_BOOTTIME", None)
    if clock is None:
        return None
    try:
        boot = BOOT_ID.read_text(encoding="ascii").strip()
        seconds = time.clock_gettime(clock)  # an old kernel or a sandbox may refuse the clock (EINVAL, EPERM)
    except (OSError, ValueError):  # missing or unreadable (a container), or not a boot id
        return None
    # An empty id would make every boot one: a reading of an earlier boot taken for one of this (review).
    return BootReading(boot, seconds) if boot else None


def elapsed_since(boot: str | None, seconds: float | None, now: BootReading | None) -> timedelta | None:
    """The time passed since a reading (`boot`, `seconds`) by the boot clock `now`; None across boots or unknown."""
    if now is None or boot is None or seconds is None or boot != now.boot or now.seconds < seconds:
        return None
    return timedelta(seconds=now.seconds - seconds)
