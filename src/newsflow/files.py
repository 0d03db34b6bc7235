"""Files newsflow replaces whole: the config, an exported OPML, spool files and their state copy."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# A write in flight: removed on failure; after a crash, whoever owns the folder sweeps it.
PARTIAL_SUFFIX = ".partial"


def replace_file(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, fsync it, rename it over `path`, fsync the folder.

    A reader sees the old file or the new one, never a part; a failed write leaves the old one whole.
    A symlinked config keeps its link: the file it points to is replaced."""
    path = path.resolve()
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX, dir=path.parent)
    try:
        with open(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(partial, path.stat().st_mode & 0o7777)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
