# ruff: noqa: RUF001, RUF002 - apostrophes of every kind on purpose
"""What analyst 43 left (docs/search.md, "Analyst 44"): a list of numbers written without spaces is no decimal; a
phrase finds the words the rule joins written with the apostrophe, each word either way; a default-ignorable mark
written in a text (U+034F COMBINING GRAPHEME JOINER, a variation selector) is nothing. Each checked through
`newsflow search --articles`'s steps and through the SQL macro `search_articles`: both must give the same."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsflow import cli, search
from newsflow.search_query import parse_query
from tests.searchsample import Doc, indexed_after_migration, store_docs
from tests.test_search_analyst43 import cli_articles, macro_articles


def _both(path: Path, docs: list[Doc], expected: dict[str, list[str]]) -> None:
    store = store_docs(path, docs)
    search.refresh(store)
    with store.reading() as con:
        assert {q: cli_articles(con, q) for q in expected} == expected
        assert {q: macro_articles(con, q) for q in expected} == expected


NUMBERS = [Doc("list", "", "The draw was 1,2,3 and then 4,5,6,7 in order.", language="en"),
           Doc("spaced", "", "The draw was 1, 2, 3 in order.", language="en"),
           Doc("decimal", "", "Growth was 1.2 percent, or 5.6 at most.", language="en"),
           Doc("german", "", "Das Wachstum lag bei 1,2 Prozent, bei 6,7 zuletzt.", language="de"),
           Doc("version", "", "Release 1.2.3 is out.", language="en")]


def test_a_list_of_numbers_without_spaces_is_no_decimal(tmp_path: Path) -> None:
    """`1,2,3` (two commas or more between numbers) is a list, as `1, 2, 3` is: its numbers are not found by a
    decimal (`1.2`, `2,3`, `6,7`), and typed (`1,2,3`) it finds the list however spaced. A point is not a comma:
    `1.2.3` (a version, a date) keeps its points. A single comma stays a decimal comma (German `1,2`)."""
    expected = {"1.2": ["decimal", "german", "version"], "2,3": ["version"], "6,7": ["german"],
                "1,2,3": ["list", "spaced", "version"], '"was 1,2,3"': ["list", "spaced"], "4,5,6,7": ["list"]}
    _both(tmp_path / "w.duckdb", NUMBERS, expected)


MIXED = [Doc("apostrophes", "", "Pat O'Brien met Ann D'Arcy.", language="en"),
         Doc("rock", "", "They played rock'n'roll by O’Brien.", language="en"),
         Doc("apart", "", "Pat O Brien met Ann D Arcy.", language="en")]


def test_a_phrase_reads_each_apostrophe_its_own_way(tmp_path: Path) -> None:
    """`"O Brien met Ann DArcy"` types one name apart and the other joined: a text writing both with the apostrophe
    reads the first as a space and the second as nothing (before, every apostrophe of a text one way, so neither
    reading found it). Still nothing else: `"O Brien met Ann D Arcy"` is not `O'Brien met Ann DArcy`'s phrase of
    terms; the text writing them apart has no term `darcy`."""
    expected = {'"O Brien met Ann DArcy"': ["apostrophes"], '"OBrien met Ann D Arcy"': ["apostrophes"],
                '"rock n roll by OBrien"': ["rock"],
                '"pat o brien met ann d arcy"': ["apart", "apostrophes"], '"pat obri en"': []}
    _both(tmp_path / "w.duckdb", MIXED, expected)


IGNORABLE = [Doc("joiner", "", "Pat O\u034fBrien said it.", language="en"),
             Doc("selector", "", "Prices in Mo\ufe0fscow rose.", language="en"),
             Doc("plain", "", "Pat OBrien said it in Moscow.", language="en"),
             Doc("beside", "", "Pat O\u034f'Brien met Ann D'\ufe0fArcy.", language="en")]


def test_a_default_ignorable_mark_in_a_text_is_nothing(tmp_path: Path) -> None:
    """U+034F and a variation selector are invisible: `O͏Brien` reads `OBrien`, in the index and the phrase check
    (before: a word `o͏brien` no query found, and a space to the phrase check); typed in a query, nothing too; beside
    an apostrophe it does not hide the word from the apostrophe rule (`O͏'Brien` is `OBrien`)."""
    expected = {"obrien": ["beside", "joiner", "plain"], '"pat obrien said"': ["joiner", "plain"],
                "moscow": ["plain", "selector"], "O\u034fBrien": ["beside", "joiner", "plain"],
                "darcy": ["beside"]}
    _both(tmp_path / "w.duckdb", IGNORABLE, expected)


CHANGED_BY_0099 = ["Pat O\u034fBrien said it.", "Prices in Mo\ufe0fscow rose.", "we met pat o'brien.",
                   "at five o’clock.", "за пʼять хвилин", "y'all know",
                   "per un'Europa unita", "c'era e v'Era"]
SAME_AFTER_0099 = ["Pat O'Brien said it.", "le plan d'aide de l'aide", "L'aide arrive. O'neill signe.",
                   "it's his, don't", "they played rock'n'roll", "qu'elle est là", "aujourd'hui", "1,2,3 and 4,5",
                   "un'altra volta", "v'era, gl'italiani, ch'egli, ç'aurait"]


def test_migration_0099_takes_out_the_articles_whose_words_change(tmp_path: Path) -> None:
    """A warehouse indexed before 0099 holds `o͏brien` for `O͏Brien`, and no `obrien` for `pat o'brien`: 0099 takes
    out those articles alone (no posting left without its document; a text the rule reads as before stays), and the
    run's end indexes them again as the rule reads them now."""
    docs = [Doc(f"c{i}", "", text) for i, text in enumerate(CHANGED_BY_0099)]
    docs += [Doc(f"s{i}", "", text) for i, text in enumerate(SAME_AFTER_0099)]
    store = store_docs(tmp_path / "w.duckdb", docs)
    search.refresh(store)
    left, orphans = indexed_after_migration(store, "0099_search_ignorable_marks_and_lists.sql")
    assert orphans == 0 and left == {f"s{i}" for i in range(len(SAME_AFTER_0099))}
    search.refresh(store)
    with store.reading() as con:
        assert cli_articles(con, "obrien") == macro_articles(con, "obrien") == ["c0", "c2", "s0"]


LOWER = [Doc("lower", "", "we met pat o'brien at the pub.", language="en"),
         Doc("capital", "", "We met Pat O'Brien at the pub.", language="en"),
         Doc("clock", "", "at five o’clock sharp.", language="en"),
         Doc("elision", "", "le plan d'aide de l'aide sociale.", language="fr"),
         Doc("sentence", "", "L'aide arrive. O'neill signe.", language="fr")]


def test_a_name_written_in_lower_case_is_joined_as_typed(tmp_path: Path) -> None:
    """A text in lower case (`pat o'brien`: a comment, a slug turned title) joins its word as a query typed so does:
    a lower-case part of 1-2 letters that is no elision before a lower-case part of 3 letters or more (`o'brien`,
    `o’clock`); so `obrien` and `"pat obrien"` find it (before: no term `obrien`, though typed `o'brien` is joined).
    An elision in lower case is not (`d'aide` is no `daide`), nor a capital before lower case (`L'aide`, `O'neill`:
    a sentence's first elision as often as a name)."""
    expected = {"obrien": ["capital", "lower"], '"pat obrien"': ["capital", "lower"], "oclock": ["clock"],
                "daide": [], "oneill": [], '"pat o brien"': ["capital", "lower"]}
    _both(tmp_path / "w.duckdb", LOWER, expected)


def test_the_help_says_a_list_is_no_decimal_and_obrien_finds_lower_case(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["search", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "not the list 1,2,5" in shown and "obrien finds O'Brien and o'brien" in shown


ELIDED_LOWER = [Doc("vera", "", "Vera said so.", language="en"),
                Doc("italian", "", "c'era e v'era, tutti gl'italiani, ch'egli disse; v'Era.", language="it"),
                Doc("french", "", "ç'aurait été beau.", language="fr"),
                Doc("gaelic", "", "b'fhéidir; dh'fhalbh e.", language="ga")]


def test_a_lower_case_elision_is_not_joined(tmp_path: Path) -> None:
    """The lower-case join is for names (`o'brien`), not the other elided words of 1-2 letters: Italian `v'era` is
    no `vera` (a word: `Vera`), nor `gl'italiani` `glitaliani`, `ch'egli` `chegli`, French `ç'aurait` `çaurait`,
    Irish `b'fhéidir` `bfhéidir`, Scottish Gaelic `dh'fhalbh` `dhfhalbh`; the phrase still finds it, the apostrophe
    a space (`"v era"`)."""
    expected = {"vera": ["vera"], "glitaliani OR chegli OR çaurait OR bfheidir OR dhfhalbh": [], '"v era"': ["italian"]}
    _both(tmp_path / "w.duckdb", ELIDED_LOWER, expected)


def test_a_long_run_of_digits_in_a_query_is_read_in_linear_time() -> None:
    """The list rule's regex was tried at every digit of a run and gave each back one by one: a query of 60,000
    digits after a separated pair (`1,2 111...`) took minutes to parse (main: milliseconds). The bound is ~100x
    what a linear read takes on a loaded machine, far below the quadratic read's."""
    started = time.process_time()
    parse_query('"1,2 ' + "1" * 60_000 + '"')
    assert time.process_time() - started < 3.0
