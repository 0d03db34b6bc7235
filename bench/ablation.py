"""What each of newsflow's text rules adds, per corpus and half, and on pages no rule was chosen on.

`python -m bench.ablation [--holdout EVALDATA.json HTML_DIR] [--workers 2] [--out FILE]`

Every page is extracted once by `extract_article`; trafilatura's part (the document, its own
extraction, readability-lxml's) is kept, and the rules that newsflow applies after it are run again
with one rule at a time replaced by "leave the text as it is". A rule's contribution on a set is
the mean score with every rule minus the mean score without it: positive when the rule helps.

The sets: the tune and report halves of the three corpora with ground truth (bench/corpora.py), and,
with `--holdout`, trafilatura's evaluation pages outside its news subset (bench/holdout.py), split
into article-like pages and others. A rule chosen on the tune half that helps on the report half
and on the hold-out pages generalises; one that helps only where it was chosen does not
(docs/extraction.md, "Eighth pass").
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import newsflow.extract as extraction
import newsflow.storytext as story
from bench.corpora import CorpusPage, all_pages, text_score
from bench.holdout import NEWS_SUBSET, article_like
from newsflow.charset import decode_html

RULES = (
    "choose_extraction", "complete_story", "join_inline_splits", "drop_furniture_lines", "drop_start_furniture",
    "article_body_rescue", "drop_marked_lines", "drop_arrow_teasers", "drop_related_tail", "drop_title_line",
    "restore_lead", "drop_unconfirmed_lines", "drop_story_tail", "drop_caption_lines", "drop_alt_captions",
    "restore_dropped_paragraphs", "restore_lost_subheads", "restore_lost_lists", "restore_own_headlines",
    "append_continuation", "drop_summary_box", "restore_standfirst", "drop_reader_call", "drop_offer_box",
    "drop_author_box", "drop_excerpt_teasers", "drop_link_hints", "drop_embed_chrome", "drop_video_chrome",
    "drop_link_box_headings",
)
"""Every rule `story_text` (and `refined_text`) applies, by the name it is looked up under in `newsflow.storytext`."""
_disabled: set[str] = set()
_cache: dict[str, tuple[Any, Any, Any, Any]] = {}


def _switchable(name: str, rule: Callable[..., Any]) -> Callable[..., Any]:
    def switched(*args: Any, **kwargs: Any) -> Any:
        return args[0] if name in _disabled else rule(*args, **kwargs)
    return switched


def _install() -> None:
    """Rules that can be switched off, and trafilatura's part computed once per page."""
    for name in RULES:  # the rules are looked up in `newsflow.storytext`, where `story_text` applies them
        setattr(story, name, _switchable(name, getattr(story, name)))
    page_tree, document_of = extraction.page_tree, extraction._trafilatura_document
    parsed: dict[int, Any] = {}  # this page's tree, by identity, while trafilatura has not run on it

    def cached_tree(html: str) -> Any:
        key = str(hash(html))
        if key in _cache:  # a copy: the rules change the tree and trafilatura's body as they read them
            tree, document, summary, own = copy.deepcopy(_cache[key])
            parsed[id(tree)] = (key, document, summary, own)
            return tree
        tree = page_tree(html)
        parsed[id(tree)] = (key, None, None, None)
        return tree

    def cached_document(tree: Any, url: str) -> Any:
        key, document, summary, own = parsed.pop(id(tree))
        if document is None:
            document = document_of(tree, url)
            summary, own = extraction._readability_seen.summary, extraction._readability_seen.own
            _cache[key] = copy.deepcopy((tree, document, summary, own))
        extraction._readability_seen.summary, extraction._readability_seen.own = summary, own
        return document

    vars(extraction)["is_article_text"] = _stop_at_text(story.is_article_text)
    extraction.page_tree = cached_tree
    extraction._trafilatura_document = cached_document


class _TextMade(Exception):
    """Raised where `extract_article` has its text: the metadata after it (dates, language, title) is no rule's."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def _stop_at_text(is_article: Callable[[str], bool]) -> Callable[[str], bool]:
    def stopped(text: str) -> bool:
        raise _TextMade(text if is_article(text) else "")
    return stopped


def _text(page: CorpusPage) -> str:
    try:
        article = extraction.extract_article(page.html, page.url)
    except _TextMade as made:
        return made.text
    return article.text if article else ""


def contributions(page: CorpusPage) -> dict[str, float]:
    """The page's score with every rule ("all"), and without each rule in turn; "<rule> changed" is 1.0 where the
    text without the rule differs from the text with every rule (a rule can change a text and no score)."""
    _cache.clear()
    _disabled.clear()
    try:
        full = _text(page)
        scores = {"all": text_score(page, full)}
        for rule in RULES:
            _disabled.clear()
            _disabled.add(rule)
            text = _text(page)
            scores[rule], scores[f"{rule} changed"] = text_score(page, text), float(text != full)
        _disabled.clear()
        scores["again"] = text_score(page, _text(page))  # a copy per run: equal to "all" unless a rule leaks state
    except Exception:  # the pipeline stores nothing for a page whose extraction raises
        scores = dict.fromkeys(("all", *RULES, "again", *(f"{rule} changed" for rule in RULES)), 0.0)
    _disabled.clear()
    return scores


def _job(page: CorpusPage) -> tuple[str, dict[str, float]]:
    return _label(page), contributions(page)


def _label(page: CorpusPage) -> str:
    if page.set_name == "holdout":
        return f"holdout {'article-like' if article_like(page.html) else 'other'} ({page.half})"
    return f"{page.set_name} ({page.half})"


def holdout_pages(evaldata: Path, html_dir: Path) -> list[CorpusPage]:
    entries = json.loads(evaldata.read_text(encoding="utf-8"))
    seen = json.loads(NEWS_SUBSET.read_text(encoding="utf-8")) if NEWS_SUBSET.is_file() else {}
    return [CorpusPage("holdout", url, decode_html((html_dir / entry["file"]).read_bytes(), None), url,
                       with_snippets=tuple(entry["with"]), without_snippets=tuple(entry.get("without") or ()))
            for url, entry in sorted(entries.items())
            if url not in seen and entry.get("with") and (html_dir / entry["file"]).is_file()]


def table(results: Sequence[tuple[str, dict[str, float]]]) -> list[str]:
    labels = sorted(dict.fromkeys(label for label, _ in results))
    lines = ["rule contributions (score with every rule minus without this one; + helps)",
             f"{'set':38} {'pages':>5} {'all':>7} " + " ".join(f"{rule[:10]:>10}" for rule in RULES)]
    for label in labels:
        chosen = [scores for name, scores in results if name == label]
        full = statistics.mean(scores["all"] for scores in chosen)
        deltas = [full - statistics.mean(scores[rule] for scores in chosen) for rule in RULES]
        lines.append(f"{label:38} {len(chosen):5} {full:7.4f} " + " ".join(f"{delta:+10.4f}" for delta in deltas))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ablation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--holdout", nargs=2, type=Path, metavar=("EVALDATA", "HTML_DIR"))
    parser.add_argument("--no-corpora", action="store_true", help="the hold-out pages only")
    parser.add_argument("--article-like", action="store_true", help="the hold-out's article-like pages only")
    parser.add_argument("--half", choices=("tune", "report"), help="one half of every set only (choose on tune)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, help="per-page scores as JSON")
    args = parser.parse_args(argv)
    pages = [] if args.no_corpora else all_pages()
    if args.holdout:
        pages += [page for page in holdout_pages(*args.holdout) if article_like(page.html) or not args.article_like]
    pages = [page for page in pages if args.half in (None, page.half)]
    with get_context("forkserver").Pool(args.workers, initializer=_initialise) as pool:
        results = list(pool.imap(_job, pages, chunksize=2))
    print("\n".join(table(results)))
    if args.out:
        args.out.write_text(json.dumps([{"set": label, "key": page.key, **scores}
                                        for (label, scores), page in zip(results, pages, strict=True)]))
    return 0


def _initialise() -> None:
    extraction.prepare_extractor()
    _install()


if __name__ == "__main__":
    sys.exit(main())
