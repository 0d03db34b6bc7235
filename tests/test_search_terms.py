"""An article's search terms: stemmed through one cache per language, capped (newsflow.search_text)."""

from __future__ import annotations

import pytest

from newsflow import search_text
from newsflow.search_text import analyse, search_tokens, stem, unaccented

ENGLISH = "The councils were running the elections; the council runs them again and again."
GERMAN = "Die Stadträte beschlossen die Haushalte, und der Stadtrat beschließt den Haushalt."


@pytest.mark.parametrize(("text", "language"), [(ENGLISH, "en"), (GERMAN, "de-AT"), (ENGLISH, None), (GERMAN, "xx")])
def test_terms_are_each_words_stem_without_stop_words(text: str, language: str | None) -> None:
    doc = analyse("Council Running", text, language)
    expected: dict[str, int] = {}
    bare: dict[str, int] = {}  # a word with accents counts for its bare form's term too, not in the length
    for word in search_tokens(text) + 2 * search_tokens("Council Running"):
        term = stem(doc.language, word)
        if term is not None:
            expected[term] = expected.get(term, 0) + 1
            bare_term = stem(doc.language, unaccented(word))
            if bare_term is not None and bare_term != term:
                bare[bare_term] = bare.get(bare_term, 0) + 1
    assert doc.length == sum(expected.values())
    for term, n in bare.items():
        expected[term] = expected.get(term, 0) + n
    assert doc.terms == expected
    assert all(stem(doc.language, word) == term for word, term in doc.forms.items())


def test_the_stem_cache_starts_again_past_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    # A long process (a Prefect worker, a reextract of a large warehouse) must not grow it forever.
    monkeypatch.setattr(search_text, "STEM_CACHE_ENTRIES", 12)
    monkeypatch.setattr(search_text, "_STEMS", {})
    first = analyse(None, ENGLISH, "en")
    second = analyse(None, GERMAN, "de")
    assert sum(map(len, search_text._STEMS.values())) <= 12
    assert analyse(None, ENGLISH, "en") == first  # stemmed again after the cache was cleared
    assert analyse(None, GERMAN, "de") == second
    assert first.terms["council"] == 2 and "the" not in first.terms
