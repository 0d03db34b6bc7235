"""The publisher's time zone, from its country: the country-code domain of the page's URL, or of
its canonical URL.

Many pages give their publication time in UTC only ("2019-10-19T03:00:00Z", "Wed, 04 May 2022
02:41:00 GMT"). The publication day a paper and its readers mean is the local one: 03:00 UTC is
05:00 on the 19th in Zurich, 02:41 UTC on the 4th is 22:41 on the 3rd in La Paz. Countries that
keep one time zone are listed (or whose news is dated in one, like Spain's and Portugal's mainland),
and (seventh pass) countries whose zones all lie on one side of UTC, with the zone most of their
news is dated in (.us New York, .ca Toronto, .au Sydney, .ru Moscow, .br São Paulo, .mx Mexico City,
.id Jakarta): west of UTC the local day starts later than the UTC day in every zone, so from 00:00
UTC until New York's midnight every US zone is still on the day before, and the UTC day was wrong
there for all of them; east of UTC the other way round. Such a zone's day is right at least as
often as the UTC day in any of the country's zones, except about an hour a night in a zone nearer
UTC than it (Halifax, Kaliningrad, Cancún). Not .au: Sydney's day is Perth's only until 13:00 UTC, and
the corpora's Perth paper prints its time (so `newsflow.dates` reads the printed time's offset
first for these countries), but a Sydney paper's reference gave the UTC day. No .com.

The region of the declared language (`<html lang="es-ES">`, `og:locale` "es_ES") is not used: it
is a CMS default as often as not (a Colombian and a Paraguayan paper both declare es_ES, which
would date their evening stories on the next day in Madrid). The declared language itself is
used when no country-code domain names a zone and the language is written (as a news language) in
one zone's offsets only (`LANGUAGE_ZONES`): a Japanese, Korean, Thai or Vietnamese page on a .com
is dated in Tokyo, Seoul, Bangkok or Hanoi; German, Dutch, Italian, Polish … in Central Europe. No
Arabic, English, French, Spanish, Portuguese, Russian, Bengali or Urdu: they are written in many.
Nor on a post's page on X (`statusids`): X serves it in its reader's language, not its poster's.
Where neither names a zone, or the country has several, a zone abbreviation the page prints after a
time ("9:00 PM ET", "01.30 WIB": `ZONE_ABBREVIATIONS`, eighth pass) names it.
Pure: the standard library's `zoneinfo`, and an lxml tree walked by its methods only.
"""

from __future__ import annotations

import contextlib
import re
import weakref
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsflow.statusids import status_posted

COUNTRY_ZONES = {
    # Europe
    "uk": "Europe/London", "gb": "Europe/London", "ie": "Europe/Dublin", "pt": "Europe/Lisbon",
    "es": "Europe/Madrid", "fr": "Europe/Paris", "be": "Europe/Brussels", "nl": "Europe/Amsterdam",
    "lu": "Europe/Luxembourg", "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich",
    "li": "Europe/Vaduz", "it": "Europe/Rome", "mt": "Europe/Malta", "dk": "Europe/Copenhagen",
    "no": "Europe/Oslo", "se": "Europe/Stockholm", "fi": "Europe/Helsinki", "is": "Atlantic/Reykjavik",
    "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava", "hu": "Europe/Budapest",
    "si": "Europe/Ljubljana", "hr": "Europe/Zagreb", "rs": "Europe/Belgrade", "ba": "Europe/Sarajevo",
    "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "gr": "Europe/Athens", "cy": "Asia/Nicosia",
    "ee": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius", "ua": "Europe/Kyiv",
    "tr": "Europe/Istanbul",
    # Americas (one zone each)
    "ar": "America/Argentina/Buenos_Aires", "bo": "America/La_Paz", "cl": "America/Santiago",
    "co": "America/Bogota", "pe": "America/Lima", "ve": "America/Caracas", "uy": "America/Montevideo",
    "py": "America/Asuncion", "cr": "America/Costa_Rica", "gt": "America/Guatemala",
    "sv": "America/El_Salvador", "hn": "America/Tegucigalpa", "ni": "America/Managua",
    "pa": "America/Panama", "cu": "America/Havana", "do": "America/Santo_Domingo",
    "pr": "America/Puerto_Rico",
    # Asia, Africa, Oceania
    "jp": "Asia/Tokyo", "kr": "Asia/Seoul", "cn": "Asia/Shanghai", "tw": "Asia/Taipei",
    "hk": "Asia/Hong_Kong", "sg": "Asia/Singapore", "my": "Asia/Kuala_Lumpur", "ph": "Asia/Manila",
    "th": "Asia/Bangkok", "vn": "Asia/Ho_Chi_Minh", "in": "Asia/Kolkata", "pk": "Asia/Karachi",
    "bd": "Asia/Dhaka", "lk": "Asia/Colombo", "np": "Asia/Kathmandu", "il": "Asia/Jerusalem",
    "ae": "Asia/Dubai", "qa": "Asia/Qatar", "sa": "Asia/Riyadh", "eg": "Africa/Cairo",
    "ng": "Africa/Lagos", "gh": "Africa/Accra", "ke": "Africa/Nairobi", "za": "Africa/Johannesburg",
    "nz": "Pacific/Auckland",
    # more countries with one zone (sixth pass): the Middle East, North and East Africa, the Caucasus …
    "ir": "Asia/Tehran", "iq": "Asia/Baghdad", "jo": "Asia/Amman", "lb": "Asia/Beirut", "sy": "Asia/Damascus",
    "bh": "Asia/Bahrain", "kw": "Asia/Kuwait", "om": "Asia/Muscat", "ye": "Asia/Aden", "af": "Asia/Kabul",
    "ma": "Africa/Casablanca", "dz": "Africa/Algiers", "tn": "Africa/Tunis", "sn": "Africa/Dakar",
    "ci": "Africa/Abidjan", "cm": "Africa/Douala", "et": "Africa/Addis_Ababa", "ug": "Africa/Kampala",
    "tz": "Africa/Dar_es_Salaam", "rw": "Africa/Kigali", "zw": "Africa/Harare", "zm": "Africa/Lusaka",
    "mz": "Africa/Maputo", "ao": "Africa/Luanda", "na": "Africa/Windhoek", "bw": "Africa/Gaborone",
    "mu": "Indian/Mauritius", "md": "Europe/Chisinau", "by": "Europe/Minsk", "ge": "Asia/Tbilisi",
    "am": "Asia/Yerevan", "az": "Asia/Baku", "uz": "Asia/Tashkent", "al": "Europe/Tirane", "mk": "Europe/Skopje",
    "kh": "Asia/Phnom_Penh", "mm": "Asia/Yangon", "bt": "Asia/Thimphu", "mv": "Indian/Maldives",
}
SEVERAL_ZONES = {
    "us": "America/New_York", "ca": "America/Toronto", "mx": "America/Mexico_City", "br": "America/Sao_Paulo",
    "ec": "America/Guayaquil", "ru": "Europe/Moscow", "kz": "Asia/Almaty", "id": "Asia/Jakarta",
}
"""Countries of several zones, all on one side of UTC (seventh pass): the zone most of their news is dated
in (module docstring). A time printed under the headline says the publisher's offset before this does."""
COUNTRY_ZONES.update(SEVERAL_ZONES)
GENERIC_USE = {"co": "es"}
"""Country-code domains that are also sold as generic ones (.co: tempo.co is Indonesian): their zone only
for a page in the country's language (or none declared)."""


LANGUAGE_ZONES = {
    "ja": "Asia/Tokyo", "ko": "Asia/Seoul", "th": "Asia/Bangkok", "vi": "Asia/Ho_Chi_Minh", "zh": "Asia/Shanghai",
    "id": "Asia/Jakarta", "ms": "Asia/Kuala_Lumpur", "hi": "Asia/Kolkata", "mr": "Asia/Kolkata",
    "gu": "Asia/Kolkata", "te": "Asia/Kolkata", "kn": "Asia/Kolkata", "ml": "Asia/Kolkata", "ta": "Asia/Kolkata",
    "ne": "Asia/Kathmandu", "si": "Asia/Colombo", "he": "Asia/Jerusalem", "tr": "Europe/Istanbul",
    "ka": "Asia/Tbilisi", "hy": "Asia/Yerevan", "az": "Asia/Baku", "uk": "Europe/Kyiv", "el": "Europe/Athens",
    "bg": "Europe/Sofia", "ro": "Europe/Bucharest", "fi": "Europe/Helsinki", "et": "Europe/Tallinn",
    "lv": "Europe/Riga", "lt": "Europe/Vilnius", "pl": "Europe/Warsaw", "cs": "Europe/Prague",
    "sk": "Europe/Bratislava", "hu": "Europe/Budapest", "sl": "Europe/Ljubljana", "hr": "Europe/Zagreb",
    "sr": "Europe/Belgrade", "bs": "Europe/Sarajevo", "mk": "Europe/Skopje", "sq": "Europe/Tirane",
    "de": "Europe/Berlin", "nl": "Europe/Amsterdam", "it": "Europe/Rome", "da": "Europe/Copenhagen",
    "no": "Europe/Oslo", "nb": "Europe/Oslo", "nn": "Europe/Oslo", "sv": "Europe/Stockholm", "is": "Atlantic/Reykjavik",
}
"""Languages whose news is dated in one zone's offsets (ta: India and Sri Lanka, +05:30; zh: China, Taiwan,
Hong Kong, Singapore, +08:00; de: Germany, Austria, Switzerland). Used only for a generic domain (.com,
.net, .org …) whose path does not start with a language (`/zh/`, `/zhongwen/`: a broadcaster's
service); a country-code domain that names no single zone (.ca, .us, .ru …) gives none. Not fa: on
a .com it is as often a broadcaster abroad (London, Prague, Washington) or Afghan Dari (+04:30)."""


ZONE_ABBREVIATIONS = {
    "ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York", "CT": "America/Chicago",
    "CST": "America/Chicago", "CDT": "America/Chicago", "MT": "America/Denver", "MST": "America/Denver",
    "MDT": "America/Denver", "PT": "America/Los_Angeles", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "AKST": "America/Anchorage", "HST": "Pacific/Honolulu", "BRT": "America/Sao_Paulo",
    "ART": "America/Argentina/Buenos_Aires", "COT": "America/Bogota", "PET": "America/Lima",
    "BST": "Europe/London", "WET": "Europe/Lisbon", "WEST": "Europe/Lisbon", "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin", "MEZ": "Europe/Berlin", "MESZ": "Europe/Berlin", "EET": "Europe/Athens",
    "EEST": "Europe/Athens", "MSK": "Europe/Moscow", "WAT": "Africa/Lagos", "CAT": "Africa/Maputo",
    "SAST": "Africa/Johannesburg", "EAT": "Africa/Nairobi", "GST": "Asia/Dubai", "PKT": "Asia/Karachi",
    "IST": "Asia/Kolkata", "NPT": "Asia/Kathmandu", "ICT": "Asia/Bangkok", "WIB": "Asia/Jakarta",
    "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura", "MYT": "Asia/Kuala_Lumpur", "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong", "PHT": "Asia/Manila", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
    "AWST": "Australia/Perth", "ACST": "Australia/Adelaide", "ACDT": "Australia/Adelaide",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}
"""The zone a time-zone abbreviation printed after a time names ("9:00 PM ET", "01.30 WIB"; eighth pass).
Where one is ambiguous, its news use: IST India's, CST and BST the American Central and British Summer times; a
declared region of another meaning reads IST and BST in its own (`OTHER_MEANINGS`: Ireland's, Israel's, Bangladesh's,
forty-seventh pass). GMT and UTC name none: the time is given in UTC."""


def publisher_zone(url: str | None, tree: Any, printed: str | None = None) -> ZoneInfo | None:
    """The zone of the country the page's URL (or its canonical URL) names, when it has one zone;
    else the zone of the page's declared language, when it is written in one (`LANGUAGE_ZONES`).
    Where neither names a zone, or the country has several, the zone an abbreviation printed after
    a time under the headline names (`printed`, `ZONE_ABBREVIATIONS`). Kept for the last page asked
    about: extraction asks 2-3 times a page, and each asking walked the page's links (perf15)."""
    return _zone_and_guess(url, tree, printed)[0]


def zone_guessed(url: str | None, tree: Any, printed: str | None = None) -> bool:
    """Whether `publisher_zone` is only a guess: the page's language's zone, or the biggest newsroom's of a country of
    several zones (`SEVERAL_ZONES`); not a zone the page prints, nor a country's one zone. A feed's own offset is
    better evidence than a guess (forty-fifth pass: a Chinese-language New York outlet on a .com, its feed writing
    -05:00, was dated in Shanghai)."""
    return _zone_and_guess(url, tree, printed)[1]


def _zone_and_guess(url: str | None, tree: Any, printed: str | None) -> tuple[ZoneInfo | None, bool]:
    global _last_zone
    if _last_zone is not None and _last_zone[0]() is tree and _last_zone[1] == (url, printed):
        return _last_zone[2]
    found = _publisher_zone(url, tree, printed)
    _last_zone = (weakref.ref(tree), (url, printed), found)
    return found


_last_zone: tuple[weakref.ref[Any], tuple[str | None, str | None], tuple[ZoneInfo | None, bool]] | None = None


def _publisher_zone(url: str | None, tree: Any, printed: str | None) -> tuple[ZoneInfo | None, bool]:
    countries = url_countries(url, tree)
    language = _language(tree)
    countries = [country for country in countries if language in (GENERIC_USE.get(country, language), "")]
    name = next((COUNTRY_ZONES[country] for country in countries if country in COUNTRY_ZONES), None)
    guessed = name in SEVERAL_ZONES.values()
    if name is None and not any(len(country) == 2 for country in countries) and not _language_service(url) \
            and status_posted(url) is None:  # X serves a post in its reader's language: it names no poster's zone
        name, guessed = LANGUAGE_ZONES.get(language), True
    if printed in ZONE_ABBREVIATIONS and (name is None or name in SEVERAL_ZONES.values()):
        name, guessed = _printed_zone(printed, tree), False
    if name is None:
        return None, False
    try:
        return ZoneInfo(name), guessed
    except ZoneInfoNotFoundError:  # no tz database on this machine: no local day
        return None, False


OTHER_MEANINGS = {"IST": ("Europe/Dublin", "Asia/Jerusalem"), "BST": ("Asia/Dhaka",)}
"""Zones an ambiguous printed abbreviation names on a page whose declared region is theirs (forty-seventh pass):
"IST" on an `en-IE` page is Irish Standard Time, on an `en-IL` one Israel's; elsewhere `ZONE_ABBREVIATIONS`'. A
country's domain or a language of one zone (Hebrew) names the zone before a printed abbreviation is read."""


def _printed_zone(printed: str, tree: Any) -> str:
    region = region_zone(tree)
    return region.key if region is not None and region.key in OTHER_MEANINGS.get(printed, ()) else \
        ZONE_ABBREVIATIONS[printed]


def zone_name(url: str | None, tree: Any, printed: str | None = None) -> str | None:
    """The IANA name of `publisher_zone`, for the stages that date the page by its feed."""
    zone = publisher_zone(url, tree, printed)
    return zone.key if zone is not None else None


def url_zone(url: str | None, name: str | None = None) -> ZoneInfo | None:
    """The zone `name`d (the page's, `zone_name`), else the zone of the country the URL's
    country-code domain names, when that country has one zone and its domain is not also sold as a
    generic one (.co); without the page (a feed's date): no canonical URL, no language."""
    if name:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(name)
    countries = [country for country in _host_countries([url or ""]) if country not in GENERIC_USE]
    name = COUNTRY_ZONES.get(countries[0]) if countries else None
    try:
        return ZoneInfo(name) if name is not None else None
    except ZoneInfoNotFoundError:
        return None


def feed_place(item_url: str, feed_url: str, language: Any) -> str | None:
    """The IANA zone of a feed item's place, to read a zone's name of two meanings (`feeddates.AMBIGUOUS_NAMES`,
    forty-seventh pass): the item URL's country's, else the feed URL's, else the feed's declared language's
    (`LANGUAGE_ZONES`, "he") or its region's ("en-IE"). The page is not fetched yet: the feed's language stands in
    for the page's. Review: the language only where that table says (a generic domain, not a broadcaster's
    language service, "/zh/"); an Australian domain is Sydney's (`PLACE_ONLY`: "EST" is Australia's there)."""
    zone = url_zone(item_url) or url_zone(feed_url)
    if zone is not None:
        return zone.key
    countries = _host_countries([item_url, feed_url])
    if place := next((PLACE_ONLY[country] for country in countries if country in PLACE_ONLY), None):
        return place
    parts = str(language or "").strip().lower().replace("_", "-").split("-")
    region = COUNTRY_ZONES.get(parts[1]) if len(parts) > 1 else None
    if any(len(country) == 2 for country in countries) or _language_service(item_url) or _language_service(feed_url):
        return region
    return LANGUAGE_ZONES.get(parts[0]) or region


PLACE_ONLY = {"au": "Australia/Sydney"}
"""Countries of several zones no page's day is put in, whose feeds' zone names have their own meaning
(`feeddates.AMBIGUOUS_NAMES`: an Australian "EST" is +10:00, its "CST" +09:30)."""


_SERVICE = re.compile(
    r"^/(?:[a-z]{2}(?:-[a-z]{2,4})?|zhongwen|chinese|persian|vietnamese|hindi|japanese|korean|thai|turkce|"
    r"ukrainian|indonesia|indonesian|urdu|bengali|tamil|burmese|nepali)(?:/|$)",
    re.IGNORECASE,
)


def _language_service(url: str | None) -> bool:
    """Whether the URL's path starts with a language ("/zh/", "/zhongwen/", "/fa-ir/"): one service of
    a broadcaster writing in many (BBC, DW, VOA), whose newsroom is not where its language is spoken."""
    try:
        return _SERVICE.match(urlsplit((url or "").strip()).path) is not None
    except ValueError:
        return False


def _language(tree: Any) -> str:
    declared = str(tree.get("lang") or tree.get("xml:lang") or "").strip().lower()
    return declared.replace("_", "-").split("-", 1)[0]


def url_countries(url: str | None, tree: Any) -> list[str]:
    """The country-code top-level domains of `url` and of the page's canonical links, in that order."""
    urls = [url or ""]
    urls += [link.get("href") or "" for link in tree.iterfind(".//link") if link.get("rel") == "canonical"]
    return _host_countries(urls)


def _host_countries(urls: list[str]) -> list[str]:
    countries = []
    for candidate in urls:
        try:
            host = urlsplit(candidate.strip()).hostname or ""
        except ValueError:
            continue
        if "." in host:
            countries.append(host.rsplit(".", 1)[1].lower())
    return countries


def region_zone(tree: Any) -> ZoneInfo | None:
    """The zone of the country the region subtag of the page's declared language names (`lang="en-GB"`), when
    that country has one zone; not used to date a page (a region is declared by sites outside it too), only to
    refuse a day no clock of that country gives (`printedday`, review of the twenty-ninth pass)."""
    declared = str(tree.get("lang") or tree.get("xml:lang") or "").strip().lower().replace("_", "-").split("-")
    region = declared[1] if len(declared) > 1 and len(declared[1]) == 2 else ""
    name = COUNTRY_ZONES.get(region) if region not in SEVERAL_ZONES else None
    try:
        return ZoneInfo(name) if name is not None else None
    except ZoneInfoNotFoundError:
        return None
