"""The query syntax: words, "phrases", -exclusions and OR."""

from __future__ import annotations

import pytest

from newsflow.search_query import Query, QuerySyntaxError, parse_query


def test_words_are_separate_required_clauses() -> None:
    assert parse_query("Syria strikes") == Query(((("syria",),), (("strikes",),)), ())


def test_quoted_phrase_is_one_clause_of_tokens_in_order() -> None:
    assert parse_query('"Air strikes" Syria').clauses == ((("air", "strikes"),), (("syria",),))


def test_minus_excludes_a_word_or_a_phrase() -> None:
    query = parse_query('syria -iran -"white house"')
    assert query.clauses == ((("syria",),),)
    assert query.excluded == (("iran",), ("white", "house"))


def test_or_joins_its_neighbours_into_one_clause() -> None:
    assert parse_query("strikes OR raids OR bombing syria").clauses == (
        (("strikes",), ("raids",), ("bombing",)), (("syria",),))


def test_lowercase_or_is_an_ordinary_word() -> None:
    assert parse_query("this or that").clauses == ((("this",),), (("or",),), (("that",),))


def test_word_with_punctuation_is_a_phrase_of_its_tokens() -> None:
    # an acronym is one token (search_acronyms; docs/search.md, "Analyst 20"); quoted, its letters as before
    assert parse_query('U.S. covid-19 "U.S."').clauses == ((("US",),), (("covid", "19"),), (("u", "s"),))


def test_unclosed_quote_runs_to_the_end() -> None:
    assert parse_query('"air strikes').clauses == ((("air", "strikes"),),)


@pytest.mark.parametrize("text", ["", "   ", "-iran", '-"white house"', "OR", '""'])
def test_query_without_a_positive_word_is_refused(text: str) -> None:
    with pytest.raises(QuerySyntaxError, match="no word to look for"):
        parse_query(text)


def test_capital_and_is_implied_and_not_excludes_like_minus() -> None:
    # Media Cloud's Boolean words: `syria NOT iran` used to require iran, the opposite of what was meant.
    assert parse_query('syria AND NOT iran NOT "white house"') == parse_query('syria -iran -"white house"')
    assert parse_query("strikes OR NOT raids syria").clauses == ((("strikes",),), (("syria",),))
    assert parse_query("not and").clauses == ((("not",),), (("and",),))
