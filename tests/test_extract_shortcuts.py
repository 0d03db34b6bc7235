"""Extraction's shortcuts (work skipped or shared for speed) change nothing it returns.

Each shortcut is switched off here by putting trafilatura's own functions back, and the page
is extracted both ways: every field of the `ExtractedArticle` must be equal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from itertools import islice, pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import bylinetexts, extract, markedlines, refine
from newsflow import text as text_module
from newsflow.extract import extract_article
from newsflow.refine import LEAD_MAX_COVERED, LEAD_RUN_MAX_ORDER_CHECKS, LEAD_RUN_MAX_RATIO
from newsflow.text import PARAGRAPH_SEPARATOR, literal_alternation, normalize_text, token_f1, word_tokens
from tests.sitefactory import Site, generated_story

CATEGORY = '<div class="post-meta"><a href="/category/{0}/">{0}</a></div>'
TAGS = '<div class="tags"><a href="/tag/{0}/">{0}</a> <a href="/tags/more-{0}/">more {0}</a></div>'
LICENSE = '<a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA</a>'
FOOTER_LICENSE = '<footer><a href="https://creativecommons.org/licenses/by/3.0/">Some rights reserved</a></footer>'
JSON_LD = ('<script type="application/ld+json">{{"@type": "NewsArticle", "articleSection": "{0}", '
           '"keywords": "{0}, news", "headline": "{1}"}}</script>')


def page(seed: int, section: str, extras: tuple[bool, bool, bool, bool, bool]) -> str:
    """A generated article page with any of: a category link, tag links, a license link, a
    licensed footer, JSON-LD naming a section."""
    story = generated_story(seed)
    html = Site("Shortcut Gazette").article_page(story).decode()
    blocks = [CATEGORY.format(section), TAGS.format(section), LICENSE, FOOTER_LICENSE,
              JSON_LD.format(section, escape(story.title))]
    added = "".join(block for block, wanted in zip(blocks, extras, strict=True) if wanted)
    return html.replace("</body>", f"{added}</body>")


@contextmanager
def trafilatura_metadata_in_full() -> Iterator[None]:
    """extract_article with trafilatura's own category, tag and license search put back."""
    extract_article("<html><body><p>warm-up</p></body></html>", "https://example.org/")  # installs the shortcuts
    module = extract.trafilatura_metadata
    patched = (module.extract_catstags, module.extract_license)
    module.extract_catstags, module.extract_license = extract._original_catstags, extract._original_license
    try:
        yield
    finally:
        module.extract_catstags, module.extract_license = patched


@settings(deadline=None, max_examples=40)  # two extractions of a page each, ~40 ms
@given(seed=st.integers(1, 10_000), section=st.sampled_from(["politics", "sport", "kultur"]),
       extras=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans()))
def test_skipping_unused_metadata_changes_no_field(seed: int, section: str,
                                                   extras: tuple[bool, bool, bool, bool, bool]) -> None:
    html = page(seed, section, extras)
    url = f"https://news.example/{section}/story-{seed}"
    fast = extract_article(html, url)
    with trafilatura_metadata_in_full():
        full = extract_article(html, url)
    assert fast is not None
    assert fast == full


def test_trafilatura_outside_extract_article_still_finds_categories_tags_and_license() -> None:
    html = page(7, "politics", (True, True, True, False, False))
    extract_article(html, "https://news.example/politics/story-7")  # the shortcuts are installed now
    document = extract.bare_extraction(html, url="https://news.example/politics/story-7", with_metadata=True)
    assert isinstance(document, extract.Document)
    assert document.categories == ["politics"]
    assert document.tags and "politics" in document.tags
    assert document.license == "CC BY-SA 4.0"


def test_extract_article_does_not_search_categories_tags_or_license(monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[str] = []

    def category_search(metatype: str, tree: object) -> list[str]:
        searched.append(metatype)
        return []

    def license_search(tree: object) -> None:
        searched.append("license")

    monkeypatch.setattr(extract, "_original_catstags", None)  # the shortcuts are installed again, over these
    monkeypatch.setattr(extract.trafilatura_metadata, "extract_catstags", category_search)
    monkeypatch.setattr(extract.trafilatura_metadata, "extract_license", license_search)
    url = "https://news.example/sport/story-3"
    html = page(3, "sport", (True, True, True, True, False))
    assert extract_article(html, url) is not None
    assert searched == []
    extract.bare_extraction(html, url=url, with_metadata=True)
    assert searched == ["category", "tag", "license"]


def _lead_in_text_by_joined_windows(lead: str, text: str) -> bool:
    """The rule as first written: each line and each pair of adjacent lines joined, tokenized again;
    and (twenty-sixth text pass) from each line the longest run of three or more adjacent lines joined
    within the length bound, said in the lead's order (at most LEAD_RUN_MAX_ORDER_CHECKS order checks)."""
    lines = text.split(PARAGRAPH_SEPARATOR)
    windows = [*lines, *(f"{first} {second}" for first, second in pairwise(lines))]
    tokens = word_tokens(lead)
    if any((sum(t in set(word_tokens(w)) for t in tokens) / len(tokens) if tokens else 1.0) > LEAD_MAX_COVERED
           for w in windows):
        return True
    checks = 0
    for start in range(len(lines)):
        fitting = [end for end in range(start + 1, len(lines) + 1)
                   if len(word_tokens(" ".join(lines[start:end]))) <= LEAD_RUN_MAX_RATIO * len(tokens)]
        longest = max(fitting, default=start)  # the longest run from this line within the bound
        run = word_tokens(" ".join(lines[start:longest]))
        if longest - start >= 3 and sum(t in set(run) for t in tokens) > LEAD_MAX_COVERED * len(tokens):
            checks += 1
            if refine._in_order(tokens, run):
                return True
            if checks == LEAD_RUN_MAX_ORDER_CHECKS:
                return False
    return False


WORDS = st.sampled_from(["Straße", "STRASSE", "the", "minister", "said", "ΟΔΟΣ", "οδος", "東京", "都", "2024", "l'été",
                         "état", "İstanbul", "istanbul", "-", ",", "…"])
LINES = st.lists(WORDS, min_size=0, max_size=12).map(" ".join)


@given(lead=LINES, lines=st.lists(LINES, min_size=1, max_size=6))
def test_lead_in_text_tokenizes_each_line_once_with_the_same_answer(lead: str, lines: list[str]) -> None:
    text = PARAGRAPH_SEPARATOR.join(lines)
    assert refine._lead_in_text(lead, text) == _lead_in_text_by_joined_windows(lead, text)


@settings(deadline=None, max_examples=30)
@given(seed=st.integers(1, 10_000), extras=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans(),
                                                       st.booleans()))
def test_final_text_is_the_final_body_as_text(seed: int, extras: tuple[bool, bool, bool, bool, bool]) -> None:
    """What `_own_text` relies on to reuse the final text when trafilatura kept its own extraction."""
    document = extract.bare_extraction(page(seed, "politics", extras), url="https://news.example/a", with_metadata=True,
                                       include_comments=False)
    assert isinstance(document, extract.Document)
    assert normalize_text(document.text or "") == normalize_text(extract.xmltotxt(document.body, False))


@example(words=["minister", "Straße"] * 300, other=["said", "STRASSE"] * 200 + ["minister"] * 300)  # > 2,000 chars
@given(words=st.lists(WORDS, min_size=0, max_size=900), other=st.lists(WORDS, min_size=0, max_size=900))
def test_long_texts_keep_their_tokens_with_the_same_answers(words: list[str], other: list[str]) -> None:
    text, reference = " ".join(words), "\n".join(other)
    expected = text_module._TOKEN.findall(text.casefold())
    first = word_tokens(text)
    first.append("changed by a caller")
    assert word_tokens(text) == expected  # a fresh list each time: a caller's change is not kept
    bag, reference_bag = Counter(expected), Counter(text_module._TOKEN.findall(reference.casefold()))
    overlap = sum((bag & reference_bag).values())
    precision, recall = overlap / max(1, sum(bag.values())), overlap / max(1, sum(reference_bag.values()))
    assert token_f1(text, reference) == token_f1(text, reference) == (
        1.0 if not bag and not reference_bag else 0.0 if overlap == 0
        else 2 * precision * recall / (precision + recall))


@given(line=st.text(st.sampled_from(list("ab AB\u00df\u0130\ufb01\u4e00\u3042-.1\u00a0\n")), max_size=60))
def test_lines_keep_their_tokens_and_word_counts_with_the_same_answers(line: str) -> None:
    """A line (under REUSED_TOKENS_CHARS) is tokenized and counted once for the rules that read it
    again (perf9): the same tokens and count as the regex on it, and a fresh list each time."""
    expected = text_module._TOKEN.findall(line.casefold())
    first = word_tokens(line)
    first.append("changed by a caller")
    hits = text_module._line_tokens.cache_info().hits
    assert word_tokens(line) == expected
    assert text_module._line_tokens.cache_info().hits == hits + 1
    assert text_module.word_count(line) == text_module.word_count(line) == len(text_module._TOKEN.findall(line))


@given(text=st.text(st.sampled_from(list("a \t\n\r\x0b\x0c\x1c\x1f\x85\u2028\u2029\u00a0\u3000"
                                          "\u00ad\u200b\ufeffe\u0301\u00e9")), max_size=40) | st.text(max_size=40))
def test_normalized_line_is_the_normal_form_with_its_lines_joined(text: str) -> None:
    """`text.normalized_line` (perf9: the visible text the lead check reads) is normalize_text's
    output with its paragraphs joined by spaces, on any text: line breaks of every kind, Unicode
    spaces, invisible characters, decomposed accents."""
    assert text_module.normalized_line(text) == normalize_text(text).replace(PARAGRAPH_SEPARATOR, " ")


PHRASE_CHARACTERS = st.sampled_from(list("abAB ßSs.İi|*?-"))


@given(phrases=st.lists(st.text(PHRASE_CHARACTERS, min_size=0, max_size=5), min_size=1, max_size=8),
       line=st.text(PHRASE_CHARACTERS, max_size=20))
def test_literal_alternation_finds_what_the_plain_alternation_finds(phrases: list[str], line: str) -> None:
    plain = re.compile("|".join(re.escape(phrase) for phrase in phrases), re.IGNORECASE)
    tree = re.compile(literal_alternation(phrases), re.IGNORECASE)
    assert bool(tree.search(line)) == bool(plain.search(line))
    assert bool(re.match(rf"^\W*(?:{literal_alternation(phrases)})\b", line, re.IGNORECASE)) == bool(
        re.match(r"^\W*(?:" + "|".join(re.escape(phrase) for phrase in phrases) + r")\b", line, re.IGNORECASE))


def test_notice_phrases_found_as_before_in_every_corpus_like_line() -> None:
    phrases = markedlines.NOTICE_PHRASES
    plain = re.compile("|".join(re.escape(phrase) for phrase in phrases), re.IGNORECASE)
    lines = [*phrases, *(phrase.upper() + " now" for phrase in phrases), "nothing here"]
    assert [bool(markedlines._NOTICE.search(line)) for line in lines] == [bool(plain.search(line)) for line in lines]


BLOCKS = st.sampled_from(["<p>Shown text</p>", "<script>var hidden = 1;</script>", "<style>p {color: red}</style>",
                          "<noscript><p>No script</p></noscript>", "<div>Deep <span>inline</span> tail</div>",
                          "<noscript><div><script>x()</script>kept out</div></noscript>", "text between "])


@given(blocks=st.lists(BLOCKS, max_size=8))
def test_visible_text_reads_what_the_three_ancestor_tests_read(blocks: list[str]) -> None:
    tree = extract.page_tree(f"<html><head><title>t</title></head><body>{''.join(blocks)}</body></html>")
    before = "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
    expected = normalize_text("".join(tree.xpath(before))).replace(PARAGRAPH_SEPARATOR, " ")
    assert refine._visible_text(tree) == expected


NODES = st.sampled_from([
    "<p>Byline</p>", "<script>var s = 1;</script>tail", "<style>p {}</style>", "<!-- comment -->after",
    "<div>Deep <span>inline</span> tail<h1>Inner headline</h1> after</div>", " \n\t ", "\u00a0", "words ",
    "<time datetime='2024-03-05'>5 March</time>", "<ul><li>one</li><li>two <b>bold</b></li></ul>",
    "<noscript><p>No script</p></noscript>", "<h2>Other <em>heading</em></h2> trailing",
])


@given(before=st.lists(NODES, max_size=4), inside=st.lists(NODES, max_size=3), after=st.lists(NODES, max_size=10))
def test_texts_after_the_headline_are_those_the_following_xpath_selects(
    before: list[str], inside: list[str], after: list[str]
) -> None:
    """`bylinetexts._texts_after` (perf9) walks what `_FOLLOWING_TEXTS` selected: the same text
    nodes, in the same order, each the same element's text or tail, from every element of the page."""
    html = (f"<html><head><title>t</title></head><body><div>{''.join(before)}<article><h1>Headline "
            f"{''.join(inside)}</h1>{''.join(after)}</article>tail</div>end</body></html>")
    tree = extract.page_tree(html)
    for element in tree.iter():
        selected = element.xpath(bylinetexts._FOLLOWING_TEXTS)
        walked = list(islice(bylinetexts._texts_after(element), bylinetexts.TEXTS_AFTER_HEADLINE))
        assert [(str(t), t.is_tail, t.getparent()) for t in walked] == [
            (str(t), t.is_tail, t.getparent()) for t in selected]
