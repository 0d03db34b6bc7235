"""Number slots: what tells two texts of one template apart when their words agree.

Agencies and commands publish from templates: CENTCOM's daily strike statements, football
results, quarterly earnings. Two such texts share most of their 3-word shingles, so MinHash
calls them one story, yet they report different events: the date, the time, the counts, the
score or the figures differ. A *slot* is a run of tokens of digits only, keyed by one side of its
context: each run gives two slots, one keyed by the token before it and one by the token after
it ("nov [12]" and "[12] at"), so a number still meets its twin when an outlet edited a word on
one side, or wrote "p.m." where the other wrote "a.m.". Copies of one story agree on the slots
they share; texts of one template conflict on them.

A slot beside a month ("nov [12]", "[12] novembre", "11月[12]日") is a *date* slot, and so is a clock
time ("at [4 30] p.m.": `is_clock_time`). Dates and times are what an update hours later keeps and
what tomorrow's statement, or another statement the same day, changes, while counts are what both
change (a toll that rose, another number of targets): so conflicts weigh twice when a date or time
is among them (`stories.Similarity`). The page's own stamp ("Updated 9:45 a.m. PT") is no slot:
copies of one story updated at other times agree (`page_stamp_positions`).

`slots_of` gives a text's slots as sorted 64-bit values (context hash << 32 | value hash; the top
bit of the context hash marks a date), at most `MAX_SLOTS` of them, the first in the text.
`compare_slots` counts the contexts two texts share and, among those, the ones whose numbers agree,
and the dates that conflict.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from newsflow.vectors import NO_U64S, U64s, sorted_u64s

MAX_SLOTS = 128
"""Slots kept per text (the first ones, two per run of digits): a long table of figures adds nothing past these."""
MONTHS = frozenset([
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
    "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
    "januar", "jänner", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "janvier", "février",
    "mars", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "enero", "febrero",
    "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre", "noviembre",
    "diciembre", "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre",
    "janeiro", "fevereiro", "março", "maio", "junho", "julho", "setembro", "outubro", "dezembro", "januari",
    "februari", "maart", "mei", "augustus", "月", "日",
])
"""Words beside which a number is a date (en, de, fr, es, it, pt, nl; 月 and 日 in CJK dates)."""
CLOCK_AFTER = frozenset(["am", "pm", "gmt", "utc", "uhr", "h", "heures", "horas", "ore", "uur"])
"""Words after which "H MM" is a time of day ("4:30 pm", "14.30 Uhr", "9:15 GMT"); "a" and "p" too
when "m" follows ("4:30 p.m."), and not otherwise ("$2.45 a share")."""
CLOCK_BEFORE = frozenset(["at", "approximately", "around", "um", "gegen", "vers", "às", "alle", "om", "a", "las"])
"""Words before which "H MM" is a time of day ("at 4:30", "um 14.30", "à 9h30" is a word and stays one)."""
STAMP_WORDS = frozenset([
    "updated", "published", "posted", "modified", "aktualisiert", "veröffentlicht", "jour", "publié", "actualizado",
    "publicado", "atualizado", "aggiornato", "pubblicato", "bijgewerkt", "gepubliceerd",
])
"""Words after which a date and time are the page's own stamp ("Updated 9:45 a.m. PT", "Last
modified", "Mis à jour le"): metadata, not slots of the story, so copies of one story updated at
other times still agree."""
_STAMP_GAP = frozenset([
    "on", "at", "am", "um", "le", "à", "el", "de", "del", "a", "las", "às", "il", "alle", "ore", "op", "om", "the",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", *MONTHS,
])
"""Words (besides numbers) a stamp's date and time are made of: "Updated on Wed, Nov. 12, 2026 at 9:45"."""
_CLAUSE_WORDS = frozenset(["on", "at", "am", "um", "le", "à", "el", "a", "las", "às", "il", "alle", "op", "om", "the"])
"""Words that make a text's opening a clause of the story ("On Nov. 6, at 4:30 p.m."), not a stamp line."""
_STAMP_TOKENS = 12
"""A stamp's date and time fit in so many tokens after its word."""
_DATE = 1 << 31
_CLOCK = 1 << 30
_HALF_DAY = frozenset(["a", "p", "am", "pm"])
_CONTEXT_CLOCK = zlib.crc32(b"@clock") & ~(_DATE | _CLOCK)


@dataclass(frozen=True)
class SlotComparison:
    shared: int  # contexts both texts have
    agreeing: int  # shared contexts where one text's numbers are all among the other's
    conflicting_dates: int = 0  # conflicting contexts beside a month

    @property
    def conflicting(self) -> int:
        return self.shared - self.agreeing


NO_SLOTS = NO_U64S
NO_NUMBERS_SHARED = SlotComparison(0, 0)


def slots_of(tokens: Sequence[str]) -> U64s:
    """The text's number slots, as sorted distinct (context hash << 32 | value hash) values."""
    stamp = page_stamp_positions(tokens)
    # "23rd" and "g7" are words; the page's own date and time are no slots of the story
    numeric = [i for i, token in enumerate(tokens) if token.isdigit() and i not in stamp]
    slots: dict[int, None] = {}  # insertion-ordered: the first slots of the text are kept
    start = 0
    while start < len(numeric) and len(slots) < MAX_SLOTS:
        end = start
        while end + 1 < len(numeric) and numeric[end + 1] == numeric[end] + 1:
            end += 1  # "4:30" and "18,512" are one run of digit tokens
        first, last = numeric[start], numeric[end]
        run = tokens[first : last + 1]
        before = tokens[first - 1] if first > 0 else ""
        after = tokens[last + 1] if last + 1 < len(tokens) else ""
        after_next = tokens[last + 2] if last + 2 < len(tokens) else ""
        start = end + 1
        if is_clock_time(run, before, after, after_next):
            # One slot, one context for every time of the text: a time that differs is one
            # conflict, not one per word beside it; the half day is part of its value.
            half_day = [after[0]] if after in _HALF_DAY else []
            slots[((_CONTEXT_CLOCK | _CLOCK) << 32) | zlib.crc32(" ".join([*run, *half_day]).encode())] = None
            continue
        value = zlib.crc32(" ".join(run).encode())
        date = _DATE if before in MONTHS or after in MONTHS else 0
        for context in (f"<{before}", f">{after}"):
            slots[(((zlib.crc32(context.encode()) & ~(_DATE | _CLOCK)) | date) << 32) | value] = None
    return sorted_u64s(slots)


def is_clock_time(run: Sequence[str], before: str, after: str, after_next: str = "") -> bool:
    """A run "H MM" (H up to 23, MM two digits up to 59) beside a word of the clock: a time of day.
    Without that word, "1.50" (a price) and "2-1" (a score) would read as times."""
    if len(run) != 2 or len(run[0]) > 2 or len(run[1]) != 2 or not (run[0] + run[1]).isdecimal():
        return False  # "²" is a digit but no decimal: int() refuses it
    if int(run[0]) > 23 or int(run[1]) > 59:
        return False
    return after in CLOCK_AFTER or (after in ("a", "p") and after_next == "m") or before in CLOCK_BEFORE


def page_stamp_positions(tokens: Sequence[str]) -> set[int]:
    """Positions of the numbers of the page's own stamps: the date and time after a stamp word
    ("Updated Nov. 12, 2026, 9:45 a.m. PT"), and a dateline stamp opening the text ("Nov. 12, 2026
    9:45 GMT", up to its clock word: "On Nov. 6, at 4:30 p.m." opens a story and is no stamp)."""
    positions: set[int] = set()
    starts = [i + 1 for i, token in enumerate(tokens) if token in STAMP_WORDS]
    for start in [0, *starts]:
        end, clock = _stamp_end(tokens, start, opening=start == 0)
        span = range(start, end)
        dated = clock or any(tokens[i] in MONTHS or tokens[i] in CLOCK_BEFORE for i in span)
        if (clock if start == 0 else dated):
            positions.update(i for i in span if tokens[i].isdigit())
    return positions


def _stamp_end(tokens: Sequence[str], start: int, opening: bool) -> tuple[int, bool]:
    """Where the stamp's date and time starting at `start` end, and whether a clock word ends them."""
    gap = _STAMP_GAP - _CLAUSE_WORDS if opening else _STAMP_GAP
    for i in range(start, min(len(tokens), start + _STAMP_TOKENS)):
        token, after_next = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
        if i > start and tokens[i - 1].isdigit() and (
                token in CLOCK_AFTER or (token in ("a", "p") and after_next == "m")):
            return i + 2 if token == "h" and after_next.isdigit() else i, True  # "9 h 45"
        if not (token.isdigit() or token in gap):
            return i, False
    return min(len(tokens), start + _STAMP_TOKENS), False


def compare_slots(first: U64s, second: U64s) -> SlotComparison:
    """How many slot contexts the texts share, and in how many the numbers agree: one text's numbers
    there are all among the other's (a copy cut short lacks some; it adds none of its own)."""
    if not len(first) or not len(second):
        return NO_NUMBERS_SHARED
    # Python sets: on at most MAX_SLOTS values, numpy's set operations cost 10x as much.
    ours, theirs = set(first.tolist()), set(second.tolist())
    shared = {slot >> 32 for slot in ours} & {slot >> 32 for slot in theirs}
    conflicting = {slot >> 32 for slot in ours - theirs} & {slot >> 32 for slot in theirs - ours}
    dates = sum(1 for context in conflicting if context & _DATE)
    shared_count, conflicting_count = len(shared), len(conflicting)
    # A time weighs as a date, each differing time as much as a date's two slots: two statements
    # of one day differ in their times. Page stamps ("Updated 9:45 GMT") are no slots at all.
    if any(context & _CLOCK for context in conflicting):
        ours_only = sum(1 for slot in ours - theirs if slot >> 32 & _CLOCK)
        theirs_only = sum(1 for slot in theirs - ours if slot >> 32 & _CLOCK)
        differing = 2 * max(ours_only, theirs_only)
        dates += differing
        shared_count += differing - 1
        conflicting_count += differing - 1
    elif not dates and any(context & _CLOCK for context in shared):
        # An agreeing time weighs as a date's two slots, unless a date conflicts: statements of
        # other days at the same time of day (a template's few times) agree on it by chance.
        shared_count += 1
    return SlotComparison(shared_count, shared_count - conflicting_count, dates)
