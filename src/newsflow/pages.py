"""Raw HTML kept for re-extraction: compressed with zlib, stored in the `pages` table."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

# Level 1: news HTML still shrinks about 4x, at a fraction of level 6's CPU (which took a third
# of the main process's time when it ran there; it now runs in the extraction workers).
COMPRESSION_LEVEL = 1


@dataclass(frozen=True)
class StoredPage:
    article_id: str
    fetched_at: datetime
    html_zlib: bytes
    html_bytes: int



def compress_html(html: str) -> tuple[bytes, int]:
    """The page as UTF-8, zlib-compressed, and its size before compression."""
    raw = html.encode("utf-8", errors="replace")
    return zlib.compress(raw, COMPRESSION_LEVEL), len(raw)


def decompress_html(html_zlib: bytes) -> str:
    return zlib.decompress(html_zlib).decode("utf-8", errors="replace")
