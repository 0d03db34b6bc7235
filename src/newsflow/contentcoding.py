"""Content-Encoding: gzip and deflate bodies undone chunk by chunk, never past a byte cap.

`BoundedDecoder` never makes more than `max_bytes` of output, so a gzip bomb costs at most about
`max_bytes` of memory. Split out of `newsflow.charset` (which re-exports these names) by
responsibility: this undoes the transfer's compression, charset reads the bytes it leaves.
"""

from __future__ import annotations

import zlib


class BodyTooLarge(Exception):
    """The decoded body would pass the byte cap."""


class UndecodableBody(Exception):
    """The Content-Encoding is unknown, or the compressed bytes are corrupt."""


GZIP_MAGIC = b"\x1f\x8b"
# Compression layers undone in all, declared or found by sniffing (`fetchbody.unpacked`): a page packed
# twice is met in the wild; one packed deeper is not a page. Each chunk goes through every declared layer,
# so 3,000 declared `gzip`s held the event loop 83 s for 94 KB (red team 24).
MAX_LAYERS = 2
# Declared layers undone at most: as urllib3 (GHSA-gm62-xv2j-4w53) and curl (CVE-2022-32206) cap the chain,
# at 5; a body declared 3 deep was read before red team 24, so the cap refuses only what no server sends
# (review of red team 24). Past MAX_LAYERS declared, no undeclared layer is undone (`fetchbody.unpacked`).
MAX_DECLARED_LAYERS = 5


class _ZlibStage:
    """One gzip or deflate layer; output per call is capped so a bomb cannot expand in memory.

    A gzip body may be several members one after another (RFC 1952; `gzip.decompress` reads them
    all): each is read in turn, where zlib alone stops after the first and the page would be cut
    short without a word. Bytes after the last member that do not start another are ignored."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._inflater = self._new_inflater()
        self._carried = b""  # the start of the next gzip member, read with the end of the last
        self.started = False
        self.members = 1  # gzip members begun
        self._raw = False  # deflate read raw, once the zlib header failed

    def _new_inflater(self) -> zlib._Decompress:
        return zlib.decompressobj(zlib.MAX_WBITS | 16 if self.encoding == "gzip" else zlib.MAX_WBITS)

    def decompress(self, data: bytes, limit: int) -> bytes:
        output = self._inflate(data, limit)
        while self._next_member():
            output += self._inflate(b"", limit - len(output))
        return output

    def _next_member(self) -> bool:
        rest = self._inflater.unused_data
        if self.encoding != "gzip" or not self._inflater.eof or not rest.startswith(GZIP_MAGIC):
            return False
        self._inflater, self._carried, self.members = self._new_inflater(), rest, self.members + 1
        return True

    def _inflate(self, data: bytes, limit: int) -> bytes:
        data, self._carried = self._carried + data, b""
        try:
            output = self._inflater.decompress(data, limit)
        except zlib.error as exc:
            if self.encoding != "deflate" or self.started or self._raw:  # (raw too: was a RecursionError,
                raise UndecodableBody(f"body is not valid {self.encoding}: {exc}") from exc  # review of rt 24)
            # Some servers send raw deflate without the zlib header; browsers accept both.
            self._inflater, self._raw = zlib.decompressobj(-zlib.MAX_WBITS), True
            return self._inflate(data, limit)
        self.started = self.started or bool(data)
        if len(output) >= limit or self._inflater.unconsumed_tail:
            raise BodyTooLarge
        return output

    @property
    def ended(self) -> bool:
        """The compressed stream reached its end (a gzip trailer, a deflate final block)."""
        return self._inflater.eof

    @property
    def one_whole_member(self) -> bool:
        """One gzip member read to its trailer (zlib checked its CRC-32 and length), nothing after it."""
        return (self.encoding == "gzip" and self.started and self.members == 1 and self._inflater.eof
                and not self._inflater.unused_data)


_ENCODING_ALIASES = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}


class BoundedDecoder:
    """Undo Content-Encoding incrementally; raise `BodyTooLarge` past `max_bytes` of output."""

    def __init__(self, content_encoding: str | None, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.produced = 0
        self._stages = [_ZlibStage(name) for name in reversed(_parse_encodings(content_encoding))]

    @property
    def identity(self) -> bool:
        """True when the body is not content-encoded, so Content-Length is its decoded size."""
        return not self._stages

    @property
    def encoding(self) -> str:
        return ", ".join(stage.encoding for stage in reversed(self._stages)) or "identity"

    @property
    def complete(self) -> bool:
        """Every compressed layer reached its end; a stream that stops before it was cut short.
        No byte at all is not a cut stream (an empty body is judged where a body is needed)."""
        return all(stage.ended or not stage.started for stage in self._stages)

    @property
    def provably_whole(self) -> bool:
        """The body is one gzip stream (one member) that ended, its CRC-32 and length checked: whole, whatever
        the connection did after (red team 55). No other coding proves it: deflate checks no length, and a
        gzip member's end may be only the first of several (red team 51)."""
        return len(self._stages) == 1 and self._stages[0].one_whole_member

    def feed(self, chunk: bytes) -> bytes:
        data = chunk
        for stage in self._stages:
            data = stage.decompress(data, self.max_bytes - self.produced + 1)
        self.produced += len(data)
        if self.produced > self.max_bytes:
            raise BodyTooLarge
        return data


# Words misconfigured servers put in Content-Encoding that name no compression at all (PHP's
# `header("Content-Encoding: UTF-8")`, a mail habit's `8bit`): the body is as it came.
_NOT_CODINGS = frozenset({"identity", "none", "binary", "7bit", "8bit", "plain", "text"})


def is_no_coding(name: str) -> bool:
    """`name` says nothing about compression: `identity`, a word of `_NOT_CODINGS`, a charset (`utf-8`,
    `iso-8859-1`), a media type (`text/html`). Browsers ignore such a Content-Encoding; refusing it made
    every page of the server a `parse_error`, parked after `max_article_attempts` runs, each feed backing
    off for good. A real coding newsflow cannot undo (`br`, `zstd`, `compress`) is still refused."""
    if name in _NOT_CODINGS or "/" in name:
        return True
    try:
        "".encode(name)  # a text encoding; bytes-to-bytes codecs (`zlib`, `bz2`) raise LookupError
    except (LookupError, ValueError):
        return False
    return True


def _parse_encodings(content_encoding: str | None) -> list[str]:
    names = [name.strip().lower() for name in (content_encoding or "").split(",")]
    names = [name for name in names if name and (name in _ENCODING_ALIASES or not is_no_coding(name))]
    unknown = [name for name in names if name not in _ENCODING_ALIASES]
    if unknown:
        raise UndecodableBody(f"cannot decode Content-Encoding {', '.join(unknown)[:200]!r}")
    if len(names) > MAX_DECLARED_LAYERS:
        raise UndecodableBody(
            f"Content-Encoding names {len(names)} compressions; at most {MAX_DECLARED_LAYERS} are undone")
    return [_ENCODING_ALIASES[name] for name in names]
