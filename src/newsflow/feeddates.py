"""A feed item's RFC 822 date written with its weekday's and month's names in the publisher's language.

RFC 822 names them in English, and feedparser (like Python's `email.utils`) reads nothing else: UOL's "Seg, 24 Set
2018 19:42:40 -0300" (Portuguese, 15 of 15 items) and Il Messaggero's "mer, 16 nov 2022 00:38:15 +0100" (an
Italian weekday) lost their dates, and a page with none of its own was stored undated though its feed said the day
(forty-fourth pass, dates). The weekday says nothing the day does not, so it is dropped; the month's name is read
in German, French, Spanish, Portuguese, Italian and Dutch (short or full, with or without accents and a final
dot). Only a date with a zone is read that way: a local time with none is `zoneless_local`'s.

A local time with no zone (forty-fifth pass): "2026-12-05T20:00:00", "Sat, 05 Dec 2026 20:00:00", NBC New York's
"Sat, Dec 16 2023 02:02:33 PM", a Chinese board's "2020/1/10 14:33:00". Its written day is the publisher's, and its
instant is known only where the publisher's zone is: `zoneless_local` gives the wall clock as a naive datetime, and
`feedentries.make_entry` places it (and marks it, `FeedEntry.published_zone_given`). Pure: the standard library.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from newsflow.timestamps import padded_iso, parse_local

_FOREIGN = re.compile(
    r"^\s*(?:[^\W\d_]{1,12}\.?,?\s+)?(\d{1,2})\.?\s+([^\W\d_]{3,12})\.?,?\s+([12]\d{3}),?\s+"
    r"(\d{1,2}:\d{2}(?::\d{2})?)\s+([+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)\s*$")
_MONTH_NAMES = (
    ("january", "januar", "janner", "janvier", "enero", "janeiro", "gennaio", "januari"),
    ("february", "februar", "fevrier", "febrero", "fevereiro", "febbraio", "februari"),
    ("march", "marz", "mars", "marzo", "marco"),
    ("april", "avril", "abril", "aprile"),
    ("may", "mai", "mayo", "maio", "maggio", "mei"),
    ("june", "juni", "juin", "junio", "junho", "giugno"),
    ("july", "juli", "juillet", "julio", "julho", "luglio"),
    ("august", "aout", "agosto", "augustus"),
    ("september", "septembre", "septiembre", "setiembre", "setembro", "settembre"),
    ("october", "oktober", "octobre", "octubre", "outubro", "ottobre"),
    ("november", "novembre", "noviembre", "novembro"),
    ("december", "dezember", "decembre", "diciembre", "dezembro", "dicembre"),
)
"""The months' full names in English, German, French, Spanish, Portuguese, Italian and Dutch, accents gone: a name is
read when it is one of them or its first three letters or more. Review: a table of three-letter stems read any word
they began, another language's other month too (Finnish "marraskuu", November, as March; Irish "Meitheamh", June,
as May; Breton "Mae", May, as March)."""
_WHOLE_ONLY = {"mrz": 3, "maerz": 3, "mrt": 3, "maart": 3}
"""Names read only whole: abbreviations that begin no full name (German "Mrz", Dutch "mrt"), and full names whose
beginnings are other languages' months (German "Maerz": Breton "Mae" is May; Dutch "maart": Luganda "Maa" is May)."""
_ENGLISH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def foreign_rfc822(written: str) -> datetime | None:
    """The instant of an RFC 822 date whose weekday or month is named in another language, in the offset it names
    (as `timestamps.parse_local` gives an English one); None when it is no such date or names no zone, or a zone by
    a name RFC 822 does not know ("MEZ" would read as UTC)."""
    found = _FOREIGN.match(written)
    if found is None:
        return None
    day, name, year, clock, zone = found.groups()
    month = _month(name)
    if month is None:
        return None
    return parse_local(f"{int(day):02d} {_ENGLISH[month - 1]} {year} {clock} {zone}")


def _month(name: str) -> int | None:
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    if plain in _WHOLE_ONLY or len(plain) < 3:
        return _WHOLE_ONLY.get(plain)
    months = {month for month, names in enumerate(_MONTH_NAMES, 1) if any(full.startswith(plain) for full in names)}
    return months.pop() if len(months) == 1 else None


_CLOCK = r"(\d{1,2}):(\d{2})(?::(\d{2}))?"
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
_DAY_FIRST = re.compile(rf"^\s*{_WEEKDAY}(\d{{1,2}})\s+([A-Za-z]{{3,9}})\.?,?\s+([12]\d{{3}}),?\s+{_CLOCK}\s*$")
_MONTH_FIRST = re.compile(
    rf"^\s*{_WEEKDAY}([A-Za-z]{{3,9}})\.?\s+(\d{{1,2}}),?\s+([12]\d{{3}}),?\s+{_CLOCK}(?:\s*([AaPp])\.?[Mm]\.?)?\s*$")
_SLASHED = re.compile(rf"^\s*([12]\d{{3}})/(\d{{1,2}})/(\d{{1,2}})(?:\s+|T){_CLOCK}\s*$")
_ISO_NO_ZONE = re.compile(r"^\s*[12]\d{3}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?\s*$")


def zoneless_local(written: str) -> datetime | None:
    """The wall clock of a feed date that names no zone, as a naive datetime: ISO 8601 with no offset (a day alone
    too: its midnight), RFC 822 with no zone, month first with a 12-hour clock (NBC New York's "Sat, Dec 16 2023
    02:02:33 PM", whose "PM" feedparser drops), or year first with slashes ("2020/1/10 14:33:00"); months named in
    English. None for any other text, a zone named ("-0000" included: RFC 2822's UTC), or an impossible date."""
    if _ISO_NO_ZONE.match(written):
        try:
            return datetime.fromisoformat(padded_iso(written.strip())).replace(microsecond=0)
        except ValueError:
            return None
    if found := _DAY_FIRST.match(written):
        day, name, year, *clock = found.groups()
        return _wall(year, _english_month(name), day, *clock)
    if found := _MONTH_FIRST.match(written):
        name, day, year, hour, minute, second, half = found.groups()
        return _wall(year, _english_month(name), day, _twelve_hour(hour, half), minute, second)
    if found := _SLASHED.match(written):
        return _wall(*found.groups())
    return None


def _english_month(name: str) -> str:
    found = [month for month, short in enumerate(_ENGLISH, 1) if name.lower().startswith(short.lower())
             and _MONTH_NAMES[month - 1][0].startswith(name.lower().rstrip("."))]
    return str(found[0]) if found else "0"


def _twelve_hour(hour: str, half: str | None) -> str:
    """The hour of a 12-hour clock on a 24-hour one ("12:05 AM" is 00:05; "14:00 PM" is no time: "99")."""
    if half is None:
        return hour
    if not 1 <= int(hour) <= 12:
        return "99"
    return str(int(hour) % 12 + (12 if half.lower() == "p" else 0))


def _wall(year: str, month: str, day: str, hour: str, minute: str, second: str | None) -> datetime | None:
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        return None
