"""A feed item's RFC 822 date written with its weekday's and month's names in the publisher's language.

RFC 822 names them in English, and feedparser (like Python's `email.utils`) reads nothing else: UOL's "Seg, 24 Set
2018 19:42:40 -0300" (Portuguese, 15 of 15 items) and Il Messaggero's "mer, 16 nov 2022 00:38:15 +0100" (an
Italian weekday) lost their dates, and a page with none of its own was stored undated though its feed said the day
(forty-fourth pass, dates). The weekday says nothing the day does not, so it is dropped; the month's name is read
in German, French, Spanish, Portuguese, Italian and Dutch (short or full, with or without accents and a final
dot). Only a date with a zone is read: a local time with none is no instant (the section's "Left"). Pure: the
standard library.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from newsflow.timestamps import parse_local

_FOREIGN = re.compile(
    r"^\s*(?:[^\W\d_]{1,12}\.?,?\s+)?(\d{1,2})\.?\s+([^\W\d_]{3,12})\.?,?\s+(\d{4}),?\s+"
    r"(\d{1,2}:\d{2}(?::\d{2})?)\s+([+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)\s*$")
_MONTHS = {
    "jan": 1, "gen": 1, "ene": 1,
    "feb": 2, "fev": 2,
    "mar": 3, "mrz": 3, "mae": 3, "mrt": 3,
    "apr": 4, "abr": 4, "avr": 4,
    "mai": 5, "may": 5, "mag": 5, "mei": 5,
    "jun": 6, "juin": 6, "giu": 6,
    "jul": 7, "juil": 7, "lug": 7,
    "aug": 8, "ago": 8, "aou": 8,
    "sep": 9, "set": 9,
    "oct": 10, "okt": 10, "out": 10, "ott": 10,
    "nov": 11,
    "dec": 12, "dez": 12, "dic": 12,
}
"""The months' names by their first three letters (four where French's June and July share three), accents gone."""
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
    return _MONTHS.get(plain[:4]) or _MONTHS.get(plain[:3])
