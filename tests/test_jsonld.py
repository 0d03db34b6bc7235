"""A page's JSON-LD objects (newsflow.jsonld)."""

from __future__ import annotations

import gc
import json
from typing import Any

import lxml.html
import pytest

from newsflow import jsonld
from newsflow.jsonld import json_ld_strings


def page(published: str, body: str) -> Any:
    data = json.dumps({"@graph": [{"@type": "NewsArticle", "datePublished": published, "articleBody": body}]})
    return lxml.html.fromstring(f'<html><head><script type="application/ld+json">{data}</script></head>'
                                "<body><p>text</p></body></html>")


def test_strings_of_a_key_in_document_order() -> None:
    assert json_ld_strings(page("2026-01-02", "Body."), "datePublished") == ["2026-01-02"]
    assert json_ld_strings(page("2026-01-02", "Body."), "articleBody") == ["Body."]


def test_a_page_is_parsed_once_however_many_rules_read_it(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real_loads = json.loads

    def counting_loads(text: str) -> Any:
        parsed.append(text)
        return real_loads(text)

    monkeypatch.setattr(jsonld.json, "loads", counting_loads)
    tree = page("2026-01-02", "Body.")
    for key in ("datePublished", "articleBody", "datePublished", "dateModified"):
        json_ld_strings(tree, key)
    assert len(parsed) == 1


def test_each_new_page_is_read_afresh() -> None:
    for day in range(1, 30):  # trees come and go, as pages do in a worker; ids get reused
        tree = page(f"2026-01-{day:02d}", f"Body {day}.")
        assert json_ld_strings(tree, "datePublished") == [f"2026-01-{day:02d}"]
        assert json_ld_strings(tree, "articleBody") == [f"Body {day}."]
        del tree
        gc.collect()
