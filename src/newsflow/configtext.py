"""The config's bytes as TOML text, and the text an import writes back as bytes of the same kind.

TOML is UTF-8, but editors save what their user picked: Windows Notepad and PowerShell's `Out-File` save
UTF-16 with a BOM ("Unicode"), Notepad once UTF-8 with a BOM, a classic Mac editor ends lines in CR alone.
Each was read as an error before (`not UTF-8 text (byte 0xff on line 1)` for UTF-16; `Expected newline or end
of document after a statement` for CR line ends, naming no cause). Each is read now, and `feeds import`
appends to the file in its own kind (its encoding and line ends), every byte it read kept, so the editor
that saved it opens it as before. Bytes that are no Unicode at all (Latin-1, Windows-1252) are still
refused, naming the byte, its line and its letter in Windows-1252 (Latin-1's superset): a guess would put
a wrong letter into a name or URL silently.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Longest first: UTF-32 LE's BOM starts with UTF-16 LE's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_PEEK = 4096  # bytes looked at to tell UTF-16 without a BOM from UTF-8
# newsflow's keys have two parts (`fetch.timeout`); tomllib's cost grows with the square of a key's parts, in time
# and memory: a key of 20,000 parts (a 40 KB line) took 21 s and 2.3 GB, one of 100,000 was killed by the kernel.
MAX_KEY_PARTS = 8
# A one-line string left open runs to its line's end: one match, where a pattern needing its closing quote was tried
# again from each escaped quote in it, to the line's end each time (a 40 KB line of `\"` took 5 s).
_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.?)*"?|\'[^\'\n]*\'?')
_DOT = re.compile(r"[ \t]*\.[ \t]*")
_KEY_PART = re.compile(r'[A-Za-z0-9_-]+|""')


@dataclass(frozen=True)
class ConfigText:
    """The config as text for tomllib, and how its file spells text: `encoding`, whether it starts with a
    BOM, and the line end an import writes (`\\r` files are read with `\\n`: tomllib refuses a lone CR)."""

    text: str
    encoding: str = "utf-8"
    bom: bytes = b""
    newline: str = "\n"

    def encode_added(self, text: str) -> bytes:
        """Text written with `\\n`, to append to this file: in its encoding, with its line ends (no BOM: the
        file has its own). An import appends, so the bytes it read are kept as they were, to the last one."""
        return text.replace("\n", self.newline).encode(self.encoding, "surrogatepass")


class NotUnicode(ValueError):
    """Bytes that are no Unicode text; the message says which byte, where, and what to do."""


def decode_config(raw: bytes) -> ConfigText:
    """`raw` read by its BOM, else as UTF-16 when its first bytes are UTF-16 text (`_unmarked`), else as UTF-8."""
    bom, encoding = next(((mark, name) for mark, name in _BOMS if raw.startswith(mark)), (b"", _unmarked(raw)))
    if encoding == "utf-8" and (kind := _binary_kind(raw)):
        raise NotUnicode(f"is {kind}, not a newsflow config; pass --config PATH of the .toml file")
    try:
        text = raw[len(bom):].decode(encoding)
    except UnicodeDecodeError as exc:
        raise NotUnicode(_not_unicode(raw, exc, encoding, len(bom))) from exc
    return ConfigText(_lf_for_lone_cr(text), encoding, bom, _newline_of(text))


def overlong_key_line(text: str) -> int | None:
    """The first line holding a dotted key of more than MAX_KEY_PARTS parts (`a.a.a…` or `[a.a.a…]`), which
    tomllib would take minutes and gigabytes to read; None when there is none. Strings are read as one part and
    comments dropped, so a URL's dots or a version number count for nothing; linear in the text."""
    keys_only = _STRINGS.sub(lambda found: '""' + "\n" * found.group().count("\n"), text)
    for number, line in enumerate(keys_only.split("\n"), 1):
        line = line.split("#", 1)[0]
        if line.count(".") < MAX_KEY_PARTS:
            continue
        whole_parts = 0  # parts between two dots: a key's inner parts
        for piece in _DOT.split(line)[1:-1]:
            whole_parts = whole_parts + 1 if _KEY_PART.fullmatch(piece) else 0
            if whole_parts + 2 > MAX_KEY_PARTS:
                return number
    return None


def _unmarked(raw: bytes) -> str:
    """UTF-16 when the first 4 KB, read in the byte order that puts most NULs in high bytes, hold no U+0000 (TOML
    allows none; a binary file's runs of NUL bytes make some) and a line end or NULs in an eighth of the high
    bytes (a UTF-8 file with one stray NUL has neither). Not "every high byte NUL": `一` (U+4E00) and `Ā`
    (U+0100) have a NUL low byte, and a comment in Chinese has few NULs at all."""
    head = raw[:_PEEK - _PEEK % 2]
    if len(head) < 2 or b"\x00" not in head:
        return "utf-8"
    if utf32 := _unmarked_utf32(raw):
        return utf32
    odd, even = head[1::2].count(0), head[0::2].count(0)
    encoding, high_nuls = ("utf-16-le", odd) if odd >= even else ("utf-16-be", even)
    text = head.decode(encoding, "replace")  # the head may end inside a surrogate pair
    if "\x00" in text or (high_nuls <= len(head) // 16 and "\n" not in text):
        return "utf-8"  # no UTF-16 text: named for what it is (`_binary_kind`) or refused by TOML
    return encoding


def _unmarked_utf32(raw: bytes) -> str | None:
    """UTF-32 with no BOM (`iconv -t UTF-32LE`, Python's `encode("utf-32-le")`) when the first 4 KB decode in one
    byte order with a line end and no U+0000: UTF-16 text does not (two of its units make a number past U+10FFFF),
    nor do a binary file's NUL runs (U+0000). Before, such a file was named `not a text file`."""
    head = raw[:_PEEK]
    for encoding in ("utf-32-le", "utf-32-be"):
        try:
            text = head[:len(head) - len(head) % 4].decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\n" in text and "\x00" not in text:
            return encoding
    return None


def _binary_kind(raw: bytes) -> str | None:
    """What a file with NUL bytes is: the warehouse given as `--config` (an easy slip: both sit in one folder) was
    `not UTF-8 text (byte 0xbd on line 1)`, and told to save it as UTF-8."""
    if b"\x00" not in raw[:_PEEK]:  # `# About DUCKDB` is a comment: both databases' headers hold NULs
        return None
    if raw[8:12] == b"DUCK":
        return "a DuckDB database (the warehouse?)"
    if raw.startswith(b"SQLite format 3\x00"):
        return "a SQLite database"
    return "not a text file (it holds NUL bytes: a database, an image, an archive?)"


def _newline_of(text: str) -> str:
    if "\r\n" in text:
        return "\r\n"
    return "\r" if "\r" in text and "\n" not in text else "\n"


def _lf_for_lone_cr(text: str) -> str:
    # only a file with no LF at all is a CR-ended file; a stray CR elsewhere stays TOML's to refuse
    return text.replace("\r", "\n") if "\r" in text and "\n" not in text else text


def _not_unicode(raw: bytes, exc: UnicodeDecodeError, encoding: str, offset: int) -> str:
    start = exc.start + offset
    line = raw.count(b"\n", 0, start) + 1
    byte = raw[start]
    if encoding != "utf-8":
        return (f"is {encoding.upper()} text by its first bytes, but not throughout (at byte {start}, line {line}: cut "
                "short or damaged?); save it again, as UTF-8")
    letter = bytes([byte]).decode("cp1252", "replace")
    as_cp1252 = f", {letter!r} in Windows-1252" if letter.isprintable() and letter != "\ufffd" else ""
    return (f"is not UTF-8 text (byte 0x{byte:02x} on line {line}{as_cp1252}: saved as Latin-1 or Windows-1252?); "
            "save it as UTF-8 (an editor's Save As, encoding UTF-8, or `iconv -f cp1252 -t utf-8`)")
