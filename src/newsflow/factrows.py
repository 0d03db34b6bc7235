"""The rows of a fact table set above the story: a review's or a profile's labels and values ("Platform Win, Wii U",
"Publisher Yacht Club Games", polygon's "Game Info"; thirty-first pass, text). trafilatura writes each row as a line
of its own above the story's first paragraph, where `storystart.drop_start_furniture` reads them as head lines.

A fact table: FACT_TABLE_MIN_ROWS to FACT_TABLE_MAX_ROWS rows (`<tr>`), each of at most FACT_ROW_MAX_WORDS words,
of which FACT_TABLE_MIN_ROWS or more are lines of the text's head; a table with a row of prose is a layout table
that holds the story, or a data table the story's lines point to. A fact's row is a label and its value: a table
with a row of more than FACT_ROW_MAX_CELLS cells, or whose rows mostly end in a figure, is data (an election's
result, a league table, prices) that may open the story and stays (review of the thirty-first pass), unless each
row's figure is of another form and one is a year (a release day, a price, a score: thirty-second pass); a figure's
currency, a sign or letters ("EUR 2,40"), is part of its form, and two plain prices may share one (an event's ticket
and reduced price: thirty-fourth pass), as may two times of day, a form of their own ("19:30", "7 pm": thirty-fifth
pass). Pure functions over an lxml tree (only its methods are used; lxml is not imported).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

from newsflow.pageblocks import bounded_text
from newsflow.text import normalized_line, word_count

FACT_TABLE_MIN_ROWS = 3
FACT_TABLE_MAX_ROWS = 15
FACT_ROW_MAX_WORDS = 8
FACT_ROW_MAX_CHARACTERS = 200  # eight words' text with a cell's spaces and line breaks
FACT_ROW_MAX_CELLS = 2
_FIGURE = re.compile(r"\d")
_FIGURES = re.compile(r"\d+(?:[.,:]\d+)*(?:[.,][-\u2013\u2014]{1,2})?")
"""A number with its decimal or thousands marks, or its no-cents dash ("12,-", "12.-" or an en dash: German and Swiss
prices; review of the thirty-fourth pass): one "0" of a form."""
_SIGNS = ("$\u00a2-\u00a5\u058f\u060b\u07fe\u07ff\u09f2\u09f3\u09fb\u0af1\u0bf9\u0e3f\u17db\u20a0-\u20c0"
          "\ua838\ufdfc\ufe69\uff04\uffe0\uffe1\uffe5\uffe6")
"""Unicode's currency signs (category Sc, "¤" among them) in the Basic Multilingual Plane."""
_YEAR = re.compile(rf"(?<![\d{_SIGNS}])(?:1[89]|20)\d\d(?![^\W_]|[{_SIGNS}])")  # a release's or a building's year,
# or a day's ("12.03.2026", "2026-03-12"): what a fact box tells; not a price with its currency on either side
# ("€1999", "1999 €", "CHF 1999": review of the thirty-fourth pass) or a measure ("1850m")
_UNIT = re.compile(r"[^\W\d_]+")  # a unit's letters ("bn", "GB", "kg"): the same kind of figure in another size
ISO_CURRENCIES = frozenset({
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD",
    "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNH", "CNY", "COP", "CRC",
    "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
    "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
    "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SYP", "SZL",
    "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
})
"""ISO 4217's codes in use as money (CLDR's territory currencies without an end day, its funds, metals and units of
account aside: "CHE" is Chelsea's, not a price's): "EUR 2,40", "2,40 CHF", "USD5"."""
WORD_CODES = frozenset({
    "AED", "ALL", "AMD", "ARS", "BAM", "BOB", "BTN", "CAD", "COP", "CUP", "CVE", "DOP", "GEL", "ILS", "KGS", "LAK",
    "MAD", "MDL", "MOP", "MUR", "NAD", "PEN", "PHP", "RON", "SAR", "SOS", "TMT", "TOP", "TRY",
})
"""Codes that are also words or common capitals ("ALL", "TOP", "CUP", a rugby box's "TRY" and "PEN", Arsenal's
"ARS", "PHP 8", "COP28"): a currency only before or after a figure written as money (MONEY: "TRY 12,50", "ARS
1.500"), never before a bare count (review of the thirty-fourth pass)."""
_MONEY = re.compile(r"\d+(?:[.,']\d{3})*[.,](?:\d\d|-{1,2})|\d{1,3}(?:[.,']\d{3})+")  # cents or thousands
LETTER_CURRENCIES = frozenset({
    "kr", "kr.", "Kr", "Kr.", "zł", "Kč", "Ft", "Rs", "Rs.", "lei", "\u0440\u0443\u0431.", "\u0433\u0440\u043d",
    "RM", "Rp", "Rp.", "TL", "KSh", "Ksh", "TSh", "USh", "Tk", "Tk.", "Dh", "DH", "Dhs", "Dhs.", "S/", "S/.", "Bs",
    "Bs.", "Kz", "FCFA", "\u043b\u0432", "\u043b\u0432.", "\u0434\u0435\u043d.", "din.", "\u0434\u0438\u043d.",
})
"""Currencies written in a country's own letters, no ISO code and no sign ("25 kr", "12 zł", "300 Kč", the rouble's
and the hryvnia's Cyrillic abbreviations; the ringgit's "RM", the rupiah's "Rp", the lira's "TL", the shillings'
"KSh", the taka's "Tk", the dirham's "Dh", the sol's "S/", the bolívar's "Bs", the lev's "лв.", and the denar's and
the dinar's with their point only, as Romanian's "din 1998" is "since 1998" and Macedonian's "ден" a day: thirty-fifth
pass), apart from the figure or joined to it ("RM12", "40TL")."""
CURRENCY = "\u00a4"  # "¤": the form of a figure whose currency is written in letters
_CODE_JOINED = re.compile(r"([A-Z]{3})(\d\S*)|(\d\S*?)([A-Z]{3})")  # "USD5", "12.50CHF"
_LONGEST_LETTERS = max(len(letters) for letters in LETTER_CURRENCIES)
TIME = "\u231a"  # "⌚": the form of a time of day ("19:30", "7.30pm", "19h30", "7 pm", "19.30 Uhr")
_TIME = re.compile(r"(?:[01]?\d|2[0-3])(?::[0-5][05]|[:.][0-5][05]h|h[0-5]\d|(?:[:.h][0-5]\d)?(?:[ap]m|[ap]\.m\.))",
                   re.IGNORECASE)
_TIME_WORDS = frozenset({"am", "pm", "a.m.", "p.m.", "uhr", "h"})
"""The word after a time's figure ("7 pm", "19.30 Uhr", "19:30 h"; "h" only after minutes): with it the figure is a
time of day."""
_HOUR = re.compile(r"(?:[01]?\d|2[0-3])(?:[:.h][0-5]\d)?")
_MINUTES = re.compile(r"[0-5]\d")
_CLOCK_WORDS = frozenset({"kl.", "kl", "klo", "klo.", "ore", "godz.", "godz"})
"""The word before a time's figure ("kl. 19.30", "klo 19.30", "ore 21.00", "godz. 19.00"): with it a dotted figure
of an hour and minutes, a decimal's shape alone, is a time of day (review of the thirty-fifth pass)."""
_HOUR_AND_MINUTES = re.compile(r"(?:[01]?\d|2[0-3])[:.][0-5]\d")
_LETTERS_BEFORE_SIGN = re.compile(rf"^[^\W\d_]{{1,3}}(?=[{_SIGNS}]\d)")  # "US$25", "HK$200", "R$40": the sign's country
SAME_PRICES_MAX = 2
"""A fact box holds a ticket's price and a reduced one ("Eintritt 12 €", "Ermäßigt 6 €"): up to SAME_PRICES_MAX
plain prices of one form beside a day; three or more are a price list, the story's data."""
MAX_TABLES_READ = 30
"""The first MAX_TABLES_READ tables of the page are read, each to its FACT_TABLE_MAX_ROWS + 1st row and each row to
FACT_ROW_MAX_CHARACTERS: a page of 50,000 tables or rows costs as much as a page of thirty small ones."""


class FactRows:
    """The head lines (the text's lines above its first story line) that are rows of a fact table, read at the
    first head line short enough to be one, and only when the head holds FACT_TABLE_MIN_ROWS such lines (most texts
    open with a paragraph of the story)."""

    def __init__(self, tree: Any, head: list[str]) -> None:
        self.tree = tree
        keys = {_row_key(line) for line in head if word_count(line) <= FACT_ROW_MAX_WORDS and not _is_rule(line)}
        self.keys = keys if len(keys) >= FACT_TABLE_MIN_ROWS else set()
        self.rows: set[str] | None = None

    def holds(self, line: str) -> bool:
        if self.tree is None or not self.keys:
            return False
        rule = _is_rule(line)
        if not rule and _row_key(line) not in self.keys:
            return False
        if self.rows is None:
            self.rows = fact_rows(self.tree, self.keys)
        return bool(self.rows) if rule else _row_key(line) in self.rows


def _row_key(line: str) -> str:
    """A line's words without a Markdown table's cell bars: trafilatura writes a table of two columns or more as
    "| Route | North pier |", and a row's text is its cells' words."""
    return " ".join(line.replace("|", " ").split())


def _is_rule(line: str) -> bool:
    """A Markdown table's rule under its first row ("|---|---|")."""
    return "-" in line and not line.strip(" |-:")


def fact_rows(tree: Any, head: set[str]) -> set[str]:
    """The texts of the rows of the page's fact tables that FACT_TABLE_MIN_ROWS or more head lines are rows of."""
    found: set[str] = set()
    for count, table in enumerate(tree.iter("table")):
        if count == MAX_TABLES_READ:
            break
        rows = _short_rows(table)
        if rows is not None and len(rows & head) >= FACT_TABLE_MIN_ROWS:
            found |= rows
    return found


def _short_rows(table: Any) -> set[str] | None:
    """The table's row texts, None when it has too few or too many rows, a row too long or too wide for a fact's,
    or mostly rows of figures of one form."""
    rows, figures, dated = set(), [], False
    for count, row in enumerate(table.iter("tr")):
        text = bounded_text(row, FACT_ROW_MAX_CHARACTERS, " ")
        if count == FACT_TABLE_MAX_ROWS or text is None or _wider_than_a_fact(row):
            return None
        line = normalized_line(text)
        if word_count(line) > FACT_ROW_MAX_WORDS:
            return None
        rows.add(line)
        value = _row_value(line.split())
        if _FIGURE.search(value):
            figures.append(_FIGURES.sub("0", value))
            dated = dated or bool(_YEAR.search(value))
    if len(rows) < FACT_TABLE_MIN_ROWS:
        return None
    return rows if 2 * len(figures) <= count + 1 or (dated and _figures_of_many_forms(figures)) else None


def _row_value(words: list[str]) -> str:
    """The row's last word, with a sign or a currency's letters written apart from its figure ("€ 2,40", "2,40 €",
    "EUR 2,40", "2,40 CHF": Dutch, French, German, Swiss prices) or joined to it ("USD5") made the figure's currency
    mark: the currency is the figure's form, or a fare and a year would be one form (thirty-third and thirty-fourth
    passes)."""
    if not words:
        return ""
    last = words[-1]
    before = words[-2] if len(words) > 1 else ""
    if _is_time(words[-3:]):
        return TIME + "0"
    if _FIGURE.search(last):
        mark = _currency_mark(before, last)
        return mark + last if mark else _joined_code_marked(last)
    mark = _currency_mark(last, before)
    if mark and _FIGURE.search(before):
        return before + mark
    return last


def _is_time(words: list[str]) -> bool:
    """Whether a row's last words are a time of day ("19:30", "7.30pm", "19h30", "7 pm", "19.30 Uhr"): an event's
    doors, a form of its own, where its figure read as a year's "0" and the box of a day, a time and a price as data
    (thirty-fifth pass). A score ("2:1", "0:3") has no two-figure minutes and stays a count's form; one that has
    ("21:19", a handball's or a basketball's) is read as a time only on a five minutes' mark, where an event's time
    is. Review of the thirty-fifth pass: French print's "20 h 30", Spanish "19:30h" and a clock's word before a
    dotted time ("kl. 19.30") are times too; "20 h" without minutes is not."""
    last, before = words[-1], words[-2] if len(words) > 1 else ""
    if before == "h" and len(words) == 3 and _MINUTES.fullmatch(last):
        return words[0].isdigit() and bool(_HOUR.fullmatch(words[0]))
    if before.lower() in _CLOCK_WORDS and _HOUR_AND_MINUTES.fullmatch(last):
        return True
    if last.lower() in _TIME_WORDS:  # "20 h" without minutes is as often a duration (a battery's 20 hours): review
        return bool(_HOUR.fullmatch(before)) and (last.lower() != "h" or not before.isdigit())
    return bool(_TIME.fullmatch(last))


def _currency_mark(word: str, figure: str) -> str:
    """The mark a word apart from a figure gives it: the word itself when it is signs only ("€", "$", "%"), the
    currency's sign when it is letters and a sign ("R$", "US$", "HK$": review of the thirty-third pass), CURRENCY
    when it is an ISO code or a currency in letters (`_is_currency_code`); "" otherwise."""
    if word in LETTER_CURRENCIES or _is_currency_code(word, figure):
        return CURRENCY
    if not word or len(word) > 3 or any(character.isnumeric() for character in word):
        return ""
    if not any(character.isalpha() for character in word):
        return word
    return "".join(character for character in word if unicodedata.category(character) == "Sc")


def _joined_code_marked(word: str) -> str:
    """A figure with an ISO code or a currency's letters joined to it ("USD5", "12.50CHF", "RM12", "40TL") with
    CURRENCY for them, one with a sign's letters joined ("HK$200") with its sign alone; others as they are. The
    letters are looked up at the word's two ends, not matched by a pattern (review of the thirty-fifth pass: a pattern
    of a figure and letters backtracked over a long hostile word, 0.26 s a page of such rows)."""
    joined = _CODE_JOINED.fullmatch(word)
    if joined is not None and _is_currency_code(joined[1] or joined[4], joined[2] or joined[3]):
        return CURRENCY + joined[2] if joined[1] else joined[3] + CURRENCY
    for size in range(1, _LONGEST_LETTERS + 1):  # a currency's letters joined: "RM12", "S/12", "40TL"
        if word[:size] in LETTER_CURRENCIES and _FIGURE.match(word, size):
            return CURRENCY + word[size:]
        if word[-size:] in LETTER_CURRENCIES and _FIGURE.match(word):
            return word[:-size] + CURRENCY
    return _LETTERS_BEFORE_SIGN.sub("", word)  # "HK$200" is "$200", as "HK$ 200" apart is (review)


def _is_currency_code(code: str, figure: str) -> bool:
    """Whether `code` beside `figure` is a currency: an ISO code, and one of WORD_CODES only with money's figure."""
    return code in ISO_CURRENCIES and (code not in WORD_CODES or bool(_MONEY.fullmatch(figure)))


def _figures_of_many_forms(figures: list[str]) -> bool:
    """Whether the rows' figures are a fact box's, each of another form (a year, a price, a score, a range: "0",
    "$0", "0/0", "0-0"), where a results table's, a league's or a price list's share one (thirty-second pass). A
    unit's letters are no form: "$4.2bn" and "$310m" are both money, "128GB" and "172g" both measures (a company's
    results, a phone's spec table: data of the story; review of the thirty-second pass). The caller also wants a
    year among them (a release day, a year built): a player's or a match's stat line ("10-18", "55.6%", "27") has
    figures of many forms and no year. Up to SAME_PRICES_MAX plain prices may share a form (an event's ticket and
    its reduced price; thirty-fourth pass), and so may two times of day (an event's doors and start: thirty-fifth
    pass; three are a timetable). `figures` are the rows' values with their digit runs written "0"."""
    if len(figures) < FACT_TABLE_MIN_ROWS:
        return False
    forms = Counter(_UNIT.sub("", figure) for figure in figures)
    return all(count == 1 or (count <= SAME_PRICES_MAX and (_is_plain_price(form) or form == TIME + "0")
                              and figures.count(form) == count)
               for form, count in forms.items())


def _is_plain_price(form: str) -> bool:
    """A figure's form that is a currency's sign and the figure ("€0", "0€", "¤0"), no unit of size: a ticket's."""
    sign = form.replace("0", "", 1)  # one figure and one character ("00", "1920x1080" less its "x", has no sign)
    return len(sign) == 1 and len(form) == 2 and unicodedata.category(sign) == "Sc"


def _wider_than_a_fact(row: Any) -> bool:
    """Whether the row has more cells than a label and its value (read to one more)."""
    return any(count == FACT_ROW_MAX_CELLS for count, _ in enumerate(row.iterchildren("td", "th")))
