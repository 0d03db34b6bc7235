"""`python -m bench.choice [--half tune|report] [--cache F.json.gz]`: per-page choice between the texts newsflow makes.

Issue 15 puts the headroom in choosing, per page, between extractors. This measures it again (the ninth text
pass did it last; docs/extraction.md, "Forty-second pass, text"): every page of one half of the three corpora
(bench/corpora.py) goes through `extract_article` once, and beside its stored text the outputs newsflow already
has or can get from the same libraries are scored against the reference:

    ours         newsflow's stored text (`extract_article`)
    final        trafilatura's text after its cascade, as newsflow reads it (the rules' input)
    own          trafilatura's own extraction before any fallback replaced it
    chosen       `newsflow.choose`'s pick between those two, before the rules
    readability  readability-lxml's output (trafilatura runs it on every page), one block a line
    precision    trafilatura alone, favor_precision
    recall       trafilatura alone, favor_recall
    justext      jusText on the basically cleaned page (trafilatura's try_justext)

Each page also gets the cascade's path (which stage's body trafilatura returned: own, own after its
wild-text recovery, readability, jusText, baseline, the recall retry) and its stored language. The
features and the rule search are in `bench.choice_rules`. Tune half by default: choose on it only; run
`--half report` once, at the end. Nothing here is used by newsflow. By hand, not in CI (about 1 s a page).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura
import trafilatura.core as trafilatura_core
import trafilatura.external as trafilatura_external
import trafilatura.main_extractor as trafilatura_main
from trafilatura.baseline import basic_cleaning
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

import newsflow.extract as extraction
from bench.choice_rules import of_half
from bench.corpora import CorpusPage, all_pages, text_score
from newsflow.choose import choose_extraction
from newsflow.completion import blocks_of
from newsflow.readabilityblocks import block_elements
from newsflow.storytext import TrafilaturaOutputs, readability_text
from newsflow.tails import link_texts
from newsflow.text import normalize_text, word_tokens

CANDIDATES = ("ours", "final", "own", "chosen", "readability", "precision", "recall", "justext")
ALTERNATIVES = CANDIDATES[1:]


@dataclass
class _Trace:
    """Which cascade stage made each body trafilatura handled on the page being extracted (by identity)."""

    labels: dict[int, str] = field(default_factory=dict)
    kept: list[Any] = field(default_factory=list)  # the bodies, so that no id is reused within a page
    recall: bool = False
    wild: bool = False
    path: str = "?"
    found: TrafilaturaOutputs | None = None

    def label(self, body: Any, name: str) -> None:
        if id(body) not in self.labels:
            self.labels[id(body)] = ("recall-" if self.recall else "") + name
            self.kept.append(body)


_trace = _Trace()
_installed = False


def _wrap(module: Any, name: str, after: Callable[[Any], None]) -> None:
    original = getattr(module, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        after(result)
        return result

    setattr(module, name, wrapped)


def _install_trace() -> None:
    """Wrap the cascade's stages (after newsflow's own hooks, which its first page installs)."""
    global _installed
    if _installed:
        return
    _installed = True
    original_wild, original_content = trafilatura_main.recover_wild_text, vars(trafilatura_core)["extract_content"]
    original_retry, original_story = trafilatura_core._recall_retry, vars(extraction)["story_text"]

    def wild(*args: Any, **kwargs: Any) -> Any:
        _trace.wild = True
        return original_wild(*args, **kwargs)

    def content(*args: Any, **kwargs: Any) -> Any:
        _trace.wild = False
        result = original_content(*args, **kwargs)
        _trace.label(result[0], "own-wild" if _trace.wild else "own")
        return result

    def retry(*args: Any, **kwargs: Any) -> Any:
        _trace.recall = True
        try:
            return original_retry(*args, **kwargs)
        finally:
            _trace.recall = False

    def story(found: TrafilaturaOutputs, *args: Any, **kwargs: Any) -> Any:
        _trace.found = found
        return original_story(found, *args, **kwargs)

    trafilatura_main.recover_wild_text, trafilatura_core._recall_retry = wild, retry
    setattr(trafilatura_core, "extract_content", content)  # noqa: B010 (imported names, patched where they are read)
    setattr(extraction, "story_text", story)  # noqa: B010
    _wrap(trafilatura_external, "justext_rescue", lambda result: _trace.label(result[0], "justext"))
    _wrap(trafilatura_core, "justext_rescue", lambda result: _trace.label(result[0], "justext"))
    _wrap(trafilatura_core, "compare_extraction", lambda result: _trace.label(result[0], "readability"))
    _wrap(trafilatura_core, "baseline", lambda result: _trace.label(result[0], "baseline"))
    _wrap(trafilatura_core, "trafilatura_sequence", _final_path)


def _final_path(result: Any) -> None:
    if _trace.path == "?":  # the first sequence of the page: newsflow's own call
        _trace.path = _trace.labels.get(id(result[0]), "?")


def _readability_lines(summary: Any) -> str:
    return "\n".join(block.text for block in blocks_of(block_elements(summary)))


def _alone(html: str, url: str, *, precision: bool = False, recall: bool = False) -> str:
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True,
                               favor_precision=precision, favor_recall=recall)
    return normalize_text(text or "")


def _justext(html: str, url: str) -> str:
    tree = load_html(html)
    if tree is None:
        return ""
    body = trafilatura_external.try_justext(basic_cleaning(tree), url, None)
    return normalize_text(xmltotxt(body, False) or "")


def page_outputs(page: CorpusPage) -> dict[str, Any]:
    """One page's candidate texts, cascade path and stored language."""
    global _trace
    _trace = _Trace()
    article = extraction.extract_article(page.html, page.url)
    found, path = _trace.found, _trace.path
    texts = {"ours": article.text if article else ""}
    if found is not None:
        readability = readability_text(found.readability)
        texts["final"], texts["own"] = found.final_text, found.own_text or found.final_text
        texts["chosen"] = choose_extraction(found.final_text, found.own_text, readability)
        texts["readability"] = _readability_lines(found.readability) if found.readability is not None else ""
    texts["precision"] = _alone(page.html, page.url, precision=True)
    texts["recall"] = _alone(page.html, page.url, recall=True)
    texts["justext"] = _justext(page.html, page.url)
    blocks = blocks_of(block_elements(found.readability)) if found is not None else []
    return {"set": page.set_name, "key": page.key, "half": page.half, "path": path,
            "language": article.language if article else None, "texts": texts,
            "scores": {name: text_score(page, text) for name, text in texts.items()},
            "linked": _linked_shares(page.html, texts),
            "readability_headings": sum(block.is_heading for block in blocks),
            "readability_link_share": _mean_link_share(blocks)}


def _linked_shares(html: str, texts: dict[str, str]) -> dict[str, float]:
    """Per text, the share of its lines that are wholly the text of one of the page's links (3 words or more)."""
    tree = load_html(html)
    anchors = set(link_texts(tree)) if tree is not None else set()
    shares = {}
    for name, text in texts.items():
        lines = [" ".join(word_tokens(line)) for line in text.splitlines() if line.strip()]
        shares[name] = sum(line in anchors for line in lines) / len(lines) if lines else 0.0
    return shares


def _mean_link_share(blocks: Sequence[Any]) -> float:
    characters = sum(len(block.text) for block in blocks)
    return sum(block.link_share * len(block.text) for block in blocks) / characters if characters else 0.0


def collect(pages: Sequence[CorpusPage]) -> list[dict[str, Any]]:
    """Every page's outputs and scores, in one process (newsflow's hooks installed by its first page)."""
    extraction.prepare_extractor()
    extraction.extract_article("<html><body><p>warm up</p></body></html>", "https://example.test/")
    _install_trace()
    records, started = [], time.monotonic()
    for number, page in enumerate(pages, 1):
        records.append(page_outputs(page))
        if number % 50 == 0:
            print(f"  {number}/{len(pages)} pages, {time.monotonic() - started:.0f} s", file=sys.stderr)
    return records


def load_or_collect(half: str, cache: Path | None) -> list[dict[str, Any]]:
    """The half's records, from `cache` when it exists (it must hold that half: a tune cache read as the report half
    would report the tune figures, and the other way round choose on the report half), else collected into it."""
    if cache is not None and cache.exists():
        return of_half(json.loads(gzip.decompress(cache.read_bytes())), half, cache)
    records = collect([page for page in all_pages() if page.half == half])
    if cache is not None:
        cache.write_bytes(gzip.compress(json.dumps(records, ensure_ascii=False).encode()))
    return records


def main(argv: Sequence[str] | None = None) -> int:
    from bench.choice_rules import report

    parser = argparse.ArgumentParser(prog="python -m bench.choice", description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("tune", "report"), default="tune")
    parser.add_argument("--cache", type=Path, help="collected outputs (.json.gz): read if present, else written")
    args = parser.parse_args(argv)
    print(report(load_or_collect(args.half, args.cache)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
