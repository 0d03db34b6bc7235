"""Whether the first bytes of a body declared HTML are a binary file's: an image, an archive, a PDF, random bytes.

Pure: bytes in, a description or None out (red team 26). A server that labels every file `text/html` (a
misconfigured default type, a download script, a hostile server) sent its image, zip or PDF to extraction:
up to `fetch.max_bytes` decoded as text and parsed, `extract_empty` after seconds of a worker's time, never
stored. `fetchbody.read_body` now asks this of an article's first bytes as they stream, and stops reading.

Two tests, either enough:

- the body starts with a file format's signature (the WHATWG MIME sniffing tables' images, archives, fonts,
  audio and video, and PDF), which no page starts with;
- its head holds binary bytes (WHATWG's "binary data bytes": C0 controls but tab, line feed, form feed,
  carriage return and escape) at a share no text has: at least BINARY_SHARE of the head and MIN_BINARY_BYTES,
  and no page's opening tag is left once they are dropped. Random bytes hold one in ten. Of the 1,519 real
  pages of ../shared/corpora and the blind set, none holds any in its first 1,024 bytes (25 at most in a whole
  page). A page NUL-padded or UTF-16 without a BOM still shows its tags once those bytes are dropped, and
  passes; extraction drops such bytes as trafilatura always has. Text in UTF-16 or UTF-32 (a NUL in every 2 or
  4 bytes, with a BOM or not) is judged without its NULs.
"""

from __future__ import annotations

import codecs
import re

HEAD_BYTES = 1024
"""How much of the body is judged: the first bytes, as WHATWG sniffing reads them (it reads 1,445)."""
MIN_BINARY_BYTES = 8
BINARY_SHARE = 1 / 64
_BINARY_BYTE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_PAGE_TAG = re.compile(rb"<(?:!doctype|html|head|body|meta|title|div|p|script|link)[\s>/]", re.IGNORECASE)

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"BM", "a BMP image"),  # judged with the binary bytes below: "BM" alone starts words
    (b"\x00\x00\x01\x00", "an icon"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a zip archive (or a document packed as one: docx, epub, jar)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd stream"),
    (b"BZh", "a bzip2 archive"),  # judged with the binary bytes below, like "BM"
    (b"\x7fELF", "an executable"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"OggS\x00", "an Ogg file"),
    (b"ID3", "an MP3 file"),  # judged with the binary bytes below
    (b"\x1a\x45\xdf\xa3", "a WebM or Matroska video"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document"),
)
_TEXT_LIKE_SIGNATURES = frozenset({b"BM", b"BZh", b"ID3"})  # printable: only with binary bytes after them
_AT_FOUR = ((b"ftyp", "an MP4 or QuickTime video"),)  # signatures after a four-byte box size
_RIFF_FORMATS = {b"WEBP": "a WebP image", b"WAVE": "a WAV file", b"AVI ": "an AVI video"}
_WIDE_ENCODINGS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_BINARY_CHAR = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def binary_kind(head: bytes) -> str | None:
    """What binary file `head` (a body's first bytes, unpacked) starts, in words for an error line; None
    for text, which is what a page is."""
    sample = head[:HEAD_BYTES]
    binary = len(_BINARY_BYTE.findall(sample))
    if sample.count(b"\x00") * 4 >= len(sample):  # UTF-16 or UTF-32 text, with a BOM or not: a NUL in 2 or 4
        binary -= sample.count(b"\x00")
    for signature, name in SIGNATURES:
        if sample.startswith(signature) and (signature not in _TEXT_LIKE_SIGNATURES or binary):
            return name
    for signature, name in _AT_FOUR:
        if sample[4:8] == signature and binary:
            return name
    if sample.startswith(b"RIFF") and sample[8:12] in _RIFF_FORMATS:
        return _RIFF_FORMATS[sample[8:12]]
    many = binary >= MIN_BINARY_BYTES and binary >= len(sample) * BINARY_SHARE
    if many and _PAGE_TAG.search(_BINARY_BYTE.sub(b"", sample)) is None and not wide_text(sample):
        return f"binary data ({binary} control bytes in its first {len(sample):,})"
    return None


def wide_text(sample: bytes) -> bool:
    """Whether `sample` reads as UTF-16 or UTF-32 text with no control character: a Cyrillic or Greek page in
    UTF-16 (a 0x04 or 0x03 byte in every other one) whose first bytes hold none of _PAGE_TAG's tags (a
    `<section>`, a comment) is text (review of red team 26). Random or packed bytes read so hold unpaired
    surrogates or code points past U+10FFFF, and a binary file's structure control characters."""
    for encoding in _WIDE_ENCODINGS:
        try:  # incremental: a head cut inside a code unit or a surrogate pair is judged on what it holds
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if text and _BINARY_CHAR.search(text) is None:
            return True
    return False
