"""Choosing, per page, between trafilatura's own extraction and the fallback text that replaced it.

trafilatura (2.3.1) runs a cascade: its own rule-based extraction first, then readability-lxml
and jusText to compare, a baseline when the text is short, and a *recall escalation*: when its
text is under 3,000 characters and covers under 20% of the page's text, it extracts again in
recall mode (and with jusText) and takes the retry when that is 1.5 times longer. On news pages
the last step misfires in one way: a whole article of 400-500 words on a page full of other
text (a long comment thread, a live ticker, a fact box and related stories) "covers little of
the page", and the retry takes a larger container: the article plus everything around it.
On the tune half of ../shared/corpora the own extraction was right and the replacement wrong on
both pages where the own text was already a whole article (yahoo-3 0.47 -> 0.94, Dagbladet
0.46 -> 0.98); on the 14 other pages where the cascade replaced the own text, the own text was
a stub (0-152 words) and the replacement right.

go-trafilatura and rs-trafilatura compare the same way, by length ratios (rs-trafilatura adds
"own text over 3-5 times readability's: take readability"); on these corpora that ratio rule
loses 0.01-0.03 per corpus, because readability-lxml takes the wrong container more often than
trafilatura does (docs/extraction.md). So the rule here only ever goes back to trafilatura's
own text, and only when that text is a whole article by itself.
"""

from __future__ import annotations

from newsflow.text import PARAGRAPH_SEPARATOR, token_f1, word_count

OWN_MIN_WORDS = 250
OWN_MIN_PARAGRAPHS = 4
OWN_PARAGRAPH_WORDS = 15
"""trafilatura's own text is "a whole article" with at least OWN_MIN_WORDS words in at least
OWN_MIN_PARAGRAPHS paragraphs of OWN_PARAGRAPH_WORDS words or more: a stub (a teaser, the first
paragraph of a paywalled story, a caption) never is. On the tune half any value of 150-400
words and 3-6 paragraphs picks the same pages."""
REPLACEMENT_MIN_RATIO = 2.0
"""The replacement is a larger container when it has at least this many times the own text's words
(1.5-3 pick the same pages on the tune half); a retry that only adds a missing paragraph or two
stays."""
READABILITY_CONFIRMS = 0.9
"""When readability-lxml's text agrees with the longer replacement this much (token F1), two
extractors found that container: the replacement stays."""


def choose_extraction(final: str, own: str | None, readability: str | None) -> str:
    """trafilatura's own extraction when it is a whole article that its cascade replaced by a much
    larger container, which readability-lxml does not confirm; otherwise trafilatura's final text.

    All three are normalised texts (one paragraph per line); `own` is None when it was not seen.
    """
    if not own or own == final or not is_whole_article(own):
        return final
    if word_count(final) < REPLACEMENT_MIN_RATIO * word_count(own):
        return final
    if readability and token_f1(readability, final) >= READABILITY_CONFIRMS:
        return final
    return own


def is_whole_article(text: str) -> bool:
    """Whether a text is long enough, in enough real paragraphs, to be an article on its own."""
    paragraphs = [line for line in text.split(PARAGRAPH_SEPARATOR) if word_count(line) >= OWN_PARAGRAPH_WORDS]
    return len(paragraphs) >= OWN_MIN_PARAGRAPHS and word_count(text) >= OWN_MIN_WORDS
