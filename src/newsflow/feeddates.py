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
from datetime import UTC, datetime, timedelta, timezone

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


NAMED_OFFSETS = {
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "CET": 60, "MEZ": 60, "CEST": 120, "MESZ": 120, "BST": 60, "EET": 120, "EEST": 180, "MSK": 180,
    "IST": 330, "PKT": 300, "HKT": 480, "SGT": 480, "AWST": 480, "JST": 540, "KST": 540,
    "ACST": 570, "ACDT": 630, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
}
"""Minutes east of UTC of the zone names feeds write after a time (forty-fifth pass, review F2): RFC 822's American
names, and the ones feedparser does not know and read as UTC ("MEZ", "JST", "AEDT"). "CST" is RFC 822's Central
(not China's), "BST" British Summer Time (not Bangladesh's); "IST" is India's +05:30, the most feeds' by far (not
Irish Summer Time's +01:00 nor Israel's +02:00: their feeds write numeric offsets in the catalogue). Where the item's
place names another meaning, `AMBIGUOUS_NAMES` has it (forty-seventh pass)."""
AMBIGUOUS_NAMES = {
    "IST": {"Europe/Dublin": 60, "Asia/Jerusalem": 120},
    "CST": {"Asia/Shanghai": 480, "Asia/Taipei": 480, "Asia/Hong_Kong": 480, "Asia/Macau": 480,
            "Australia/Sydney": 570},
    "AST": {zone: 180 for zone in ("Asia/Riyadh", "Asia/Baghdad", "Asia/Kuwait", "Asia/Qatar", "Asia/Bahrain",
                                   "Asia/Aden")},
    "BST": {"Asia/Dhaka": 360},
    "EST": {"Australia/Sydney": 600},
}
"""A zone name's other meaning where the item's place names it (forty-seventh pass): "IST" is Irish Standard Time
(+01:00, Ireland's summer) on an Irish site and Israel Standard Time (+02:00) on an Israeli or Hebrew one, "CST"
China's on a Chinese one, "AST" Arabia's on a Gulf or Iraqi one, "BST" Bangladesh's, "EST" and "CST" Australia's
Eastern and Central on an Australian one (review); elsewhere `NAMED_OFFSETS`."""
NAMED_OFFSETS["AST"] = -240  # RFC 822 does not name it; feedparser reads it as Atlantic, as here
NAMED_OFFSETS.update({
    "HST": -600, "AKST": -540, "AKDT": -480, "NST": -210, "NDT": -150, "ADT": -180, "BRT": -180, "ART": -180,
    "CLT": -240, "COT": -300, "PET": -300, "VET": -240, "WET": 0, "WEST": 60, "WAT": 60, "CAT": 120, "SAST": 120,
    "EAT": 180, "TRT": 180, "IDT": 180, "GST": 240, "NPT": 345, "ICT": 420, "WIB": 420, "WITA": 480, "WIT": 540,
    "MYT": 480, "PHT": 480, "AWDT": 540,
})
"""More names (forty-seventh pass) that feedparser reads as UTC at the written clock, so that an Indonesian feed's
"20:00 WIB" (13:00 Z) was put on the next day in Jakarta: the zones news is written in across the Americas, Africa,
the Middle East and Asia (`localtime.ZONE_ABBREVIATIONS` for a page's printed time has the same)."""
_ZONE_TEXT = r"((?:GMT|UTC)\s*[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}:\d{2}|[+-]\d{1,4}|[A-Za-z]{2,5})"
_ZONE = rf"\s*{_ZONE_TEXT}"
_DAY_FIRST_ZONED = re.compile(
    rf"^\s*{_WEEKDAY}(\d{{1,2}})\s+([A-Za-z]{{3,9}})\.?,?\s+([12]\d{{3}}),?\s+{_CLOCK}(?:\s*([AaPp])\.?[Mm]\.?)?"
    rf"\s+{_ZONE_TEXT}\s*$")
_MONTH_FIRST_ZONED = re.compile(
    rf"^\s*{_WEEKDAY}([A-Za-z]{{3,9}})\.?\s+(\d{{1,2}}),?\s+([12]\d{{3}}),?\s+{_CLOCK}(?:\s*([AaPp])\.?[Mm]\.?)?"
    rf"\s+{_ZONE_TEXT}\s*$")
_ISO_ZONED = re.compile(rf"^\s*([12]\d{{3}})-(\d{{1,2}})-(\d{{1,2}})[T ]{_CLOCK}(?:[.,]\d{{1,9}})?{_ZONE}\s*$")
_DOTTED_ZONED = re.compile(rf"^\s*(\d{{1,2}})\.(\d{{1,2}})\.([12]\d{{3}}),?\s+{_CLOCK}\s+{_ZONE_TEXT}\s*$")
_JAVA = re.compile(rf"^\s*{_WEEKDAY}([A-Za-z]{{3}})\s+(\d{{1,2}})\s+{_CLOCK}\s+([A-Za-z]{{2,5}})\s+([12]\d{{3}})\s*$")
_SHORT_YEAR = re.compile(
    rf"^\s*{_WEEKDAY}(\d{{1,2}})\s+([A-Za-z]{{3}})\s+(\d{{2}})\s+(\d{{2}})(\d{{2}})\s+{_ZONE_TEXT}\s*$")
_ISO_READ = re.compile(r"^(?:[+-]\d{2}(?::?\d{2})?|Z)$", re.IGNORECASE)
"""An ISO 8601 offset Python's reader takes ("+05", "-0500", "+05:30"): `_ISO_ZONED` leaves those to it."""
_ZERO_NAMES = frozenset(("GMT", "UT", "UTC", "Z"))
_SAYS_UTC = re.compile(r"(?:(?<![A-Za-z])(?:Z|GMT|UTC?)|[+-]00:?00)\s*$", re.IGNORECASE)


def zoned_local(written: str, place: str | None = None) -> datetime | None:
    """A feed date whose zone feedparser misreads or does not know, in the offset it names: RFC 822 (day or month
    first, a 12-hour clock too) with a colon offset ("-05:00", read as UTC), a zone's name ("23:30:00 MEZ"), NBC's
    "Sat, Dec 05 2026 11:30:00 PM EST"; an offset with no leading zero or no colon ("+530", "-500": two days off in
    feedparser), a bare hour or one after GMT ("+05", "GMT-5", "UTC+05:30"); ISO 8601 followed by a zone's name or
    such an offset ("2026-12-05T20:00:00 EST", undated before); a dotted day first ("05.12.2026 20:00:00 +0100");
    Java's "Sat Dec 05 20:00:00 CST 2026"; "03 Apr 02 1500 GMT". A name of `AMBIGUOUS_NAMES` is read in the
    meaning of `place`, the IANA zone of the item's country or language, where it has one. None for anything else
    (an unknown name, a military letter, an impossible date)."""
    found = _zoned_parts(written)
    if found is None:
        return None
    year, month, day, hour, minute, second, zone = found
    offset = _zone_offset(zone, place)
    wall = _wall(year, month, day, hour, minute, second)
    return wall.replace(tzinfo=offset) if wall is not None and offset is not None else None


def _zoned_parts(written: str) -> tuple[str, str, str, str, str, str | None, str] | None:
    """(year, month, day, hour, minute, second, zone) of a zoned form `zoned_local` reads, or None."""
    if found := _DAY_FIRST_ZONED.match(written):
        day, name, year, hour, minute, second, half, zone = found.groups()
        return year, _english_month(name), day, _twelve_hour(hour, half), minute, second, zone
    if found := _MONTH_FIRST_ZONED.match(written):
        name, day, year, hour, minute, second, half, zone = found.groups()
        return year, _english_month(name), day, _twelve_hour(hour, half), minute, second, zone
    if (found := _ISO_ZONED.match(written)) and not _ISO_READ.match(found.group(7)):
        year, month, day, hour, minute, second, zone = found.groups()
        return year, month, day, hour, minute, second, zone
    if found := _DOTTED_ZONED.match(written):
        day, month, year, hour, minute, second, zone = found.groups()
        return year, month, day, hour, minute, second, zone
    if found := _JAVA.match(written):
        name, day, hour, minute, second, zone, year = found.groups()
        return year, _english_month(name), day, hour, minute, second, zone
    if found := _SHORT_YEAR.match(written):
        day, name, year, hour, minute, zone = found.groups()
        return f"20{year}", _english_month(name), day, hour, minute, None, zone
    return None


def says_utc(written: str) -> bool:
    """Whether a feed date's text says UTC ("Z", "GMT", "UT", "UTC", "+00:00", "-0000"), rather than a zone newsflow
    read as UTC without knowing it (`FeedEntry.published_zone_given` 'unread')."""
    return _SAYS_UTC.search(written) is not None


def _zone_offset(zone: str, place: str | None = None) -> timezone | None:
    """The offset a zone's text names: "+05:30", "+0530", "+530" (hours and minutes), "+05" or "-5" (hours),
    "GMT+0530", "GMT-5", a name (`NAMED_OFFSETS`, `AMBIGUOUS_NAMES` in `place`'s meaning); GMT, UT, UTC and Z are
    UTC. None for an unknown name or an offset past 14 hours."""
    compact = re.sub(r"^(?:GMT|UTC)\s*(?=[+-])|:", "", zone.strip(), flags=re.IGNORECASE)
    if compact[0] in "+-":
        digits = compact[1:]
        hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
        if hours > 14 or minutes > 59:
            return None
        return timezone((-1 if compact[0] == "-" else 1) * timedelta(hours=hours, minutes=minutes))
    name = compact.upper()
    if name in _ZERO_NAMES:
        return UTC
    minutes_east = AMBIGUOUS_NAMES.get(name, {}).get(place or "", NAMED_OFFSETS.get(name))
    return timezone(timedelta(minutes=minutes_east)) if minutes_east is not None else None
