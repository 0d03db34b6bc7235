"""`python -m bench.ablation` switches every rule `story_text` applies, and each run reads its own copy of the page."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest
from bench import ablation
from bench.corpora import CorpusPage

import newsflow.extract as extraction
import newsflow.storytext as story

# What story_text calls that is no rule: the helpers that read the page for the rules, and the rules' own steps.
NOT_RULES = {
    "StoryHeadings", "_head_after_summary_box", "_unconfirmed_after_tail", "block_elements", "blocks_of",
    "json_ld_article_body", "page_headlines", "readability_text", "refined_text",
}
STORY = " ".join(f"Paragraph {n} of the council's story says what the vote on the harbour's new quay decided today."
                 for n in range(1, 4))
PAGE = ("<html><head><title>Council votes on the quay</title></head><body><article><h1>Council votes on the quay</h1>"
        + "".join(f"<p>{sentence}.</p>" for sentence in STORY.split(". ") if sentence)
        + "</article></body></html>")


def test_the_rules_listed_are_every_rule_story_text_applies() -> None:
    source = inspect.getsource(story.story_text) + inspect.getsource(story.refined_text)
    called = set(re.findall(r"\b(\w+)\(", source)) - {"story_text", "refined_text"}
    assert set(ablation.RULES) == called - NOT_RULES
    assert all(callable(getattr(story, rule)) for rule in ablation.RULES)


def test_each_run_reads_a_copy_of_the_page_so_a_rule_that_marks_it_leaks_nothing(monkeypatch: Any) -> None:
    """A rule that changes the page it reads (here: a mark on the root) changed the next run's text when the runs
    shared trafilatura's tree and body (a blind page's rules joined lines and kept a box on every run after the
    first), so every rule seemed to help there."""
    for name in ablation.RULES:  # _install replaces them: monkeypatch puts the originals back after the test
        monkeypatch.setattr(story, name, getattr(story, name))
    for name in ("page_tree", "_trafilatura_document", "is_article_text"):
        monkeypatch.setattr(extraction, name, getattr(extraction, name))
    original = vars(story)["drop_link_box_headings"]

    def marking(text: str, page: Any) -> str:
        leaked = page.get("data-read") is not None
        page.set("data-read", "1")
        return str(original(text, page)) + ("\nA line the previous run left." if leaked else "")

    monkeypatch.setattr(story, "drop_link_box_headings", marking)
    extraction.prepare_extractor()
    ablation._install()
    page = CorpusPage("probe", "quay", PAGE, "https://example.org/quay", text=STORY)
    scores = ablation.contributions(page)
    assert scores["all"] == pytest.approx(1.0, abs=0.05)
    assert scores["again"] == scores["all"]
    assert scores["drop_title_line changed"] == 1.0  # the headline line stays without the rule
    assert scores["drop_video_chrome changed"] == 0.0
