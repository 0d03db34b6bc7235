"""The date a page prints under its headline: "Written: 2023-11-07 15:03:30", "29.04.2020, 12:01 Uhr".

htmldate answers with a bare day when it takes the date from the URL, a date-only meta, or from
the first date-like element of its extensive search, which can be a sidebar's ("[4K] Music Bank
... 2023-11-03" beside a story written on the 7th). What a reader sees under the headline is the
publication, unless a cue says it is an update ("Aktualisiert:", "Updated"): before the date,
or after it on a line that does not call the date the publication ("Posted: …").

Only unambiguous numeric dates with a four-digit year are read: "2023-11-07", "2023/11/07",
"29.04.2020", "2019年6月24日", "2023. 11. 7."; a slashed day and month are read only when one of
them is over 12 ("11/08/2023" could be either). A CJK month and day without a year ("[06月24日
11時30分]", as Japanese and Chinese sites print the day of current news) is read only when the
caller gives a date to take the year from (`near`): the year that puts it closest to that date.
A month written as a word, with its day and a four-digit year, is read too in English, German,
French, Spanish, Portuguese and Italian ("Aug 08, 2024", "30 August 2023", "28. April 2023",
"4 de mayo de 2022").

`byline_time` is the machine-readable side of the same byline: the `datetime` of a `<time>`
element among those texts ("30 August 2023 • 4:45pm" written as "2023-08-30T16:45+0100"), not an
update's (`newsflow.bylinetimes`).
The headline and the texts after it, without photo captions, other stories' blocks and the story's
prose, are `newsflow.bylinetexts` (split from here in tidy21; its public names are re-exported here);
a line whose first date is an update's still gives a later date a publication cue introduces
("Updated: 4 March 2026 | Published: 1 March 2026"). `published_ago` reads a relative time there
("2 hours ago", `newsflow.relativedates`).
`update_bound` is the earliest update or "as of" stamp there ("Stand: 28.04.2023 18:00 Uhr"), a day
the publication cannot be after; `printed_time` the publication date with the time printed after it,
as the page's readers see it. Digits in other scripts (Arabic-Indic, fullwidth …) read as ASCII ones,
and month names in more languages (Dutch, Nordic, Polish, Czech, Russian, Turkish, Indonesian,
Arabic …) are read too; so are a day written as a word ("یکم مارچ 2026", eighth pass), dashed
day-month-year dates ("01-03-2026", in the page's order) and, on a line without a Gregorian date,
Hijri and Bikram Sambat dates (`newsflow.tabledcalendars`). `published_month_day` is a day printed
without its year there or in a wire dateline (`newsflow.yearless`). The texts are found once per page
and shared by these functions (`bylinetexts`). Reading a date out of one line of text is `newsflow.printeddates`
(split from here in the ninth pass, which added Roman-numeral months, dotted two-digit years in the
page's order, month names in capitals, and the update and publication cues of more languages).
Pure: an lxml tree walked by its methods only.
"""

from __future__ import annotations

import re
import weakref
from datetime import UTC, date, datetime, timedelta
from typing import Any

from newsflow.authorcues import AUTHOR_CUE, after_author, opens_author, weekdays_only
from newsflow.bylinetexts import MAX_TEXT_CHARS as MAX_TEXT_CHARS  # re-exported: the old home of these names
from newsflow.bylinetexts import TEXTS_AFTER_HEADLINE as TEXTS_AFTER_HEADLINE
from newsflow.bylinetexts import byline_lines
from newsflow.bylinetexts import byline_texts as byline_texts
from newsflow.bylinetexts import in_other_block as in_other_block
from newsflow.bylinetexts import page_headline as page_headline
from newsflow.bylinetimes import byline_times, byline_titles, marked_published
from newsflow.lunardates import YEAR_FIRST, is_korean
from newsflow.pagememo import per_page
from newsflow.printeddates import ASCII_DIGITS, DOTTED_SHORT, MONTHS, SLASHED, SLASHED_SHORT, first_date
from newsflow.relativedates import relative_age, story_sentence
from newsflow.worlddates import slash_order
from newsflow.yearless import byline_month_day, dateline_month_day, month_day_patterns

UPDATE_CUE = re.compile(
    r"aktualisiert|update|actualiza|mis à jour|modifi|atualiza|bijgewerkt|editiert|zaktualizowano|"
    r"päivitetty|opdateret|oppdatert|uppdaterad|aggiornat|aktualiz|güncelle|обновл|оновл|gewijzigd|"
    r"更新|修改|수정|업데이트|تحديث|diperbarui|cập nhật|अपडेट|อัปเดต|ažurirano|actualitzat|"
    # ninth pass: Greek, Hebrew, Malay, Hungarian, Swahili, Persian
    r"ενημ[εέ]ρ|עודכן|dikemas ?kini|friss[ií]tve|imesasishwa|به‌روز|بروزرسانی|"  # noqa: RUF001
    # tenth pass: Latvian, Lithuanian, Estonian, Kazakh, Azerbaijani, Georgian, Armenian, Albanian,
    # Macedonian and Serbian Cyrillic, Uzbek
    r"atjaunots|atjaunināts|atnaujint|uuendatud|жаңартыл|yenilən|განახლ|թարմացվ|përditësu|ажурирано|yangilan|"
    # eleventh pass: Hungarian, Bengali, Dutch "Aangepast" (NOS)
    r"módosítv|modositv|আপডেট|হালনাগাদ|aangepast",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(
    r"posted|published|written|publiziert|veröffentlicht|erschienen|publicado|publié|pubblicato|"
    r"opublikowano|julkaistu|gepubliceerd|publicerad|publisert|publiceret|publikov|опубликовано|"
    "yay\u0131nlan|입력|등록|公開|配信|发布|發布|发表|發表|نشر|diterbitkan|dipublikasikan|đăng|प्रकाशित|เผยแพร่|"
    "objavljeno|publicat|"
    "опубліков|δημοσι[εέ]|פורסם|발행|imechapishwa|انتشار|"  # ninth pass: Ukrainian, Greek, Hebrew, Korean …
    "publicēts|paskelbt|avaldatud|жарияланд|dərc|გამოქვეყნ|հրապարակվ|publikuar|објавено|објављено|e'lon qilin|"
    # eleventh pass: Globo's "Postado em", Hürriyet's "Oluşturulma/Giriş Tarihi", Onet's "Data utworzenia",
    # Hungarian, Bengali
    "postado|oluşturul|giriş tarihi|utworzeni|publikálv|megjelent|প্রকাশ",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_AS_OF = re.compile(r"\bstand\b|\bas of\b", re.IGNORECASE)
_CLOCK = re.compile(r"(?<![\d.:])(\d{1,2})[:h]([0-5]\d)(?![\d.:])\s*([ap]\.?\s?m\b\.?)?", re.IGNORECASE)


def headline_date(tree: Any, near: date | None = None) -> date | None:
    """The first date in the few texts after the page's headline that no update cue precedes; a
    yearless CJK month and day counts when `near` gives its year. When the first such line names neither the
    publication nor an author and a later line does ("By A. Writer · March 12, 2026", "Publié le 12 mars 2026")
    on another day, the later line's: the first is a kicker's event ("Vote on March 20, 2026", "Abstimmung am
    20.03.2026"; thirtieth pass)."""
    found = cued_headline_date(tree, near)
    return found[0] if found is not None else None


def cued_headline_date(tree: Any, near: date | None = None) -> tuple[date, bool] | None:
    """`headline_date`, and whether its line is the page's own: a publication or author cue introduces it, or it
    prints the day alone (a dateline: "March 20, 2026", "Friday, March 20, 2026"; review: no event's)."""
    order = _page_order(tree)
    first = None
    for line in byline_lines(tree):
        read = _line_publication(line, near, order)
        if read is None:
            continue
        if read[1] and (first is None or read[0] != first[0]):
            return read
        if first is None:
            first = (read[0], read[1] or _dateline(line, near, order))
        elif read == (first[0], True):
            first = (first[0], True)
    return first


def _dateline(line: str, near: date | None, order: str | None) -> bool:
    """Whether `line` opens with its day, or with up to three capitalised words and a separator before it
    ("Friday, ", "NEW YORK, ", "Politics · "), not with a label or a sentence ("Termin: ", "Vote on Friday, ")."""
    found = first_date(line, near, named=True, order=order)
    before = line[:found[0]].strip() if found is not None else "-"
    words = before.split()
    capitalised = all(not word[0].isalpha() or word[0].isupper() for word in words)
    return not words or (len(words) <= 3 and before[-1] in _DATELINE_ENDS and capitalised)


_DATELINE_ENDS = ",·|•–—/"  # noqa: RUF001 (the dashes bylines print)


def _line_publication(line: str, near: date | None, order: str | None) -> tuple[date, bool] | None:
    """The publication day a byline line prints (not an update's), and whether a publication or author cue
    introduces it."""
    found = first_date(line, near, named=True, order=order)
    if found is None:
        return None
    if not _is_update(line, found[0]):
        return found[1], _cued(line, found[0])
    published = _published_after_update(line, found[0], near, order)
    return (published, True) if published is not None else None





def _cued(line: str, position: int) -> bool:
    """Whether a publication cue comes right before the date at `position` ("Published on", "Publié le"; not
    "Erschienen in der Printausgabe vom", a print edition's) or an author's anywhere before it ("By A. Writer",
    "Von A. Autor": the preposition, then a capital)."""
    if any(len(line[cue.end():position].split()) <= 1 for cue in _PUBLISHED.finditer(line, 0, position)):
        return True
    if _PICTURE.search(line, 0, position):
        return False  # review: a photo's credit ("By Reuters photo", "Foto: Von A. Fotograf") names no author's line
    return any(opens_author(line, cue) for cue in AUTHOR_CUE.finditer(line, 0, position))


def authored_day(tree: Any) -> date | None:
    """The day printed right after an author's name on a line under the headline ("By A. Writer · March 13, 2026",
    "Por A. Escritor | 12 de marzo de 2026"), not an update's: the author's line is the story's own, where a day on
    another line may be an event's, an offer's or a print edition's (thirty-first pass; the twenty-ninth's first form
    read any)."""
    order, previous = _page_order(tree), ""
    for line in byline_lines(tree):
        found = first_date(line, named=True, order=order)
        if found is None or _is_update(line, found[0]) or _PICTURE.search(line, 0, found[0]):
            previous = line if found is None else ""
            continue
        if after_author(previous) and weekdays_only(line[:found[0]], found[1]):
            return found[1]  # the name's element, then the day's: "Por A. Autor" <span>12 de março de 2026</span>
        if after_author(_PUBLISHED.sub("", line[:found[0]]), found[1]):  # "By A. Writer · Published March 13"
            return found[1]
        previous = ""
    return None


_PICTURE = re.compile(r"(?<![^\W\d_])(?:photo|foto|bild|image|picture|credit|crédit|illustration|grafik|graphic|imagen|"
                      r"immagine|afbeelding|zdjęcie)(?:s|er|en|i)?(?![^\W\d_])", re.IGNORECASE)


def _published_after_update(line: str, position: int, near: date | None, order: str | None) -> date | None:
    """The date a publication cue introduces later on a line whose first date is an update's
    ("Updated: 4 March 2026 | Published: 1 March 2026"), or (eleventh pass) the next date on it
    without a cue when that is before the update's ("Actualizado al 28/01/2026 10:00 — 27/01/2026
    9:15"): an update is never before the publication it updates."""
    cue = _PUBLISHED.search(line, position)
    if cue is None:
        return _earlier_after_update(line, position, near, order)
    later = first_date(line[cue.end():], near, named=True, order=order)
    if later is None or UPDATE_CUE.search(line[cue.end():cue.end() + later[0]]):
        return None
    return later[1]


def _earlier_after_update(line: str, position: int, near: date | None, order: str | None) -> date | None:
    """The first date after the update's (read past its year) when it is earlier and no update
    cue introduces it."""
    update = first_date(line[position:], near, named=True, order=order)
    year = _YEAR.search(line, position)
    if update is None or year is None:
        return None
    rest = line[year.end():]
    later = first_date(rest, near, named=True, order=order)
    if later is None or later[1] >= update[1] or UPDATE_CUE.search(rest[:later[0]]):
        return None
    return later[1]


def _is_update(line: str, position: int) -> bool:
    """Whether the date at `position` is an update's: an update cue before it ("Aktualisiert:
    11.04.2020"), or one after it on a line that does not say the date is the publication
    ("November 28, 2013 -- Updated 0203 GMT", but not "Posted: Aug 08, 2024 | Last Updated: …"), nor
    where another date comes before the cue, as Japanese and Chinese write an update's date
    ("2026年3月4日 10:30 (2026年3月6日 12:00更新)", ninth pass)."""
    updates = list(UPDATE_CUE.finditer(line, 0, position))
    if updates:  # unless a publication cue follows the last one: "Atualizado há 3 dias — Postado em …"
        return _PUBLISHED.search(line, updates[-1].end(), position) is None
    cue = UPDATE_CUE.search(line, position)
    if cue is None or _PUBLISHED.search(line[:position]) or len(_YEAR.findall(line, position, cue.start())) > 1:
        return False  # a second date before the cue is the one it updates: "2026年3月4日 (2026年3月6日更新)"
    # an update that names its own date after the cue leaves this one the publication (eighth pass):
    # "1 marzo 2026 (modifica il 2 marzo 2026 | 09:12)"
    return first_date(line[cue.end():], named=True) is None


def printed_time(tree: Any) -> datetime | None:
    """The publication date under the headline with the time printed after it on the same line
    ("5 de mayo de 2022 - 21:00", "30 August 2023 • 4:45pm", "19.2.2020 16:20"), as a naive
    local datetime: what the page's readers see."""
    order = _page_order(tree)
    for line in byline_lines(tree):
        found = first_date(line, named=True, order=order)
        if found is None or _is_update(line, found[0]):
            continue
        update = UPDATE_CUE.search(line, found[0])  # not the time of an update after it on the line
        clock = _CLOCK.search(line, found[0], update.start() if update else len(line))
        if clock is None:
            return None
        hour = int(clock[1])
        if clock[3]:  # 12-hour clock: 12:05 am is 00:05, 4:45 pm is 16:45, "15:00 pm" is no time
            hour = hour % 12 + (12 if clock[3].lower().startswith("p") else 0) if hour <= 12 else 24
        day = found[1]
        return datetime(day.year, day.month, day.day, hour, int(clock[2])) if hour < 24 else None
    return None


@per_page
def update_bound(tree: Any, as_of: bool = True) -> date | None:
    """The earliest day that an update or (with `as_of`) "as of" stamp under the headline gives
    ("Aktualisiert: 11.04.2020", "Stand: 28.04.2020 18:00 Uhr", `<time datetime>` after "Updated"):
    the story was published on that day or before. Only an update says that an earlier version
    was published; "Stand" is the only date many pages show, and readers take it for the date."""
    stamps, previous, order = [], "", _page_order(tree)
    for line in byline_lines(tree):
        found = first_date(line, named=True, order=order)
        if found is None:
            previous = line  # a cue may stand alone before the date: "<span>Stand:</span> 28.04.2020"
            continue
        cue = f"{previous[-20:]} {line[: found[0]]}"
        if _is_update(line, found[0]) or UPDATE_CUE.search(cue) or (as_of and _AS_OF.search(cue)):
            stamps.append(found[1])
        previous = ""
    stamps += [day for value in update_times(tree) if (day := numeric_date(value[:10])) is not None]
    return min(stamps, default=None)


@per_page
def published_ago(tree: Any) -> timedelta | None:
    """How long before the fetch a relative time under the headline says the page was published
    ("2 hours ago", "vor 2 Stunden": `newsflow.relativedates`); a line with an update cue is not read,
    nor (eighteenth pass) a sentence of the story that no publication cue opens ("The storm hit 2 hours
    ago.", not "Posted 3 hours ago.": `relativedates.story_sentence`)."""
    return relative_age(line.translate(ASCII_DIGITS) for line in byline_lines(tree)
                        if not UPDATE_CUE.search(line) and not (story_sentence(line) and not _PUBLISHED.search(line)))


_ZONE_AFTER_TIME = re.compile(
    r"(?<![\d.:])\d{1,2}[:.h]\s?[0-5]\d(?!\d)(?:\s*(?i:[ap]\.?\s?m\b\.?))?\s*\(?(?![AP]M\b)([A-Z]{2,4})\b"
)


def printed_zone_abbreviation(tree: Any) -> str | None:
    """The time-zone abbreviation printed after the first time under the headline that has one
    ("9:00 PM ET", "01.30 WIB", "(IST)"): `localtime.ZONE_ABBREVIATIONS` says its zone."""
    for line in byline_lines(tree):
        if (match := _ZONE_AFTER_TIME.search(line)) is not None:
            return match[1]
    return None


YEARLESS = month_day_patterns(MONTHS)
"""The patterns of a month name and its day without a year (`yearless.month_day_patterns`), compiled once."""


def published_month_day(tree: Any) -> tuple[int, int] | None:
    """The month and day of a date printed without its year under the headline ("Sun, Mar 1"), or in
    a wire dateline opening the story ("NEW DELHI, March 1 (Reuters) -"): `newsflow.yearless`."""
    lines = (line.translate(ASCII_DIGITS) for line in byline_lines(tree) if not UPDATE_CUE.search(line))
    return byline_month_day(lines, YEARLESS, MONTHS, lambda: _yearless_order(tree)) or dateline_month_day(
        (str(text).lstrip()[:120] for text in byline_texts(tree)), YEARLESS, MONTHS)


def _yearless_order(tree: Any) -> str | None:
    """The order of a numeric day and month printed without a year: Chinese, Japanese and Korean
    pages print the month first ("03-04 10:30"); other pages in their slash order (`slash_order`)."""
    language = str(tree.get("lang") or "").lower()[:2]
    return "mdy" if language in ("zh", "ja", "ko") else slash_order(tree)


def update_times(tree: Any) -> list[str]:
    """The `datetime` of each `<time>` under the headline that dates an update (`newsflow.bylinetimes`)."""
    return [value for value, update in _byline_times(tree) if update]


def publication_time(tree: Any) -> str | None:
    """The `datetime` of the first `<time>` under the headline marked as the publication
    (`bylinetimes.marked_published`) that dates no update."""
    updates = set(update_times(tree))
    return next((value for value in marked_published(page_headline(tree), byline_texts(tree))
                 if value not in updates), None)


def byline_title_date(tree: Any) -> datetime | None:
    """The day of the first date in the `title` of a byline's element (`bylinetimes.byline_titles`),
    in the page's order, as a bare day (midnight UTC; seventeenth pass)."""
    for title in byline_titles(byline_texts(tree)):
        found = first_date(title.translate(ASCII_DIGITS), named=True, order=_page_order(tree))
        if found is not None:
            day = found[1]
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
    return None


def byline_time(tree: Any) -> str | None:
    """The `datetime` of the first `<time>` element among the texts after the headline, unless
    its text, or the text just before it, is an update ("Aktualisiert: 11.04.2020", "Updated"
    <time>), or its class says so beside another `<time>` whose class names the publication
    (`newsflow.bylinetimes`)."""
    return next((value for value, update in _byline_times(tree) if not update), None)


@per_page
def _byline_times(tree: Any) -> list[tuple[str, bool]]:
    """Each `<time datetime>` among the texts after the headline, and whether it dates an update."""
    return byline_times(page_headline(tree), byline_texts(tree), UPDATE_CUE)


def caption_date(text: str, order: str | None = None) -> date | None:
    """The first date in a caption's text, a month written as a word included; a slashed day and
    month that could be swapped only in a known `order`."""
    found = first_date(text, named=True, order=order)
    return found[1] if found else None


def numeric_date(text: str, order: str | None = None) -> date | None:
    """The first unambiguous numeric date with a four-digit year in `text`; a slashed one whose day
    and month could be swapped only in a known `order` ("dmy", "mdy")."""
    found = first_date(text, order=order)
    return found[1] if found else None


_last_order: tuple[weakref.ref[Any], str | None] | None = None


def _page_order(tree: Any) -> str | None:
    """The order of day and month in the page's slashed dates (`newsflow.worlddates.slash_order`),
    looked up only when a byline text has an ambiguous one ("03/04/2024"), once per page."""
    global _last_order
    if _last_order is not None and _last_order[0]() is tree:
        return _last_order[1]
    lines = [line.translate(ASCII_DIGITS) for line in byline_lines(tree) if "/" in line or "-" in line or "." in line]
    ambiguous = any(int(m[1]) <= 12 and int(m[3]) <= 12 for line in lines for m in SLASHED.finditer(line))
    ambiguous = ambiguous or any(SLASHED_SHORT.search(line) or DOTTED_SHORT.search(line) for line in lines)
    order = slash_order(tree) if ambiguous else None
    order = YEAR_FIRST if is_korean(tree) else order  # "26.03.12" (sixteenth pass)
    _last_order = (weakref.ref(tree), order)
    return order


def page_order(tree: Any) -> str | None:
    """The order of the day and month in the page's numeric dates (`_page_order`)."""
    return _page_order(tree)
