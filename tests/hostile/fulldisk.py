"""A disk filled to its last byte, for the full-disk tests (Local 19's lock, Local 30's check at a run's start)."""

from __future__ import annotations

import contextlib
from pathlib import Path


def fill(filler: Path) -> None:
    """Append to `filler` until its disk refuses a byte more."""
    with contextlib.suppress(OSError), open(filler, "ab", buffering=0) as stream:
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    stream.write(b"\0" * size)
