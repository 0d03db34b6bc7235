"""Small disks for the local tests: a tmpfs mounted for a test, and a disk filled to its last byte (Local 19's lock,
Local 30's check at a run's start)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def tmpfs(folder: Path, options: str, needs: str = "mounting a tmpfs needs root") -> Iterator[Path]:
    """`folder`, made here, with a tmpfs of `options` mounted on it until the block ends; the test skips, saying
    `needs`, where this user may not mount one."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"{needs}: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def fill(filler: Path) -> None:
    """Append to `filler` until its disk refuses a byte more."""
    with contextlib.suppress(OSError), open(filler, "ab", buffering=0) as stream:
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    stream.write(b"\0" * size)
