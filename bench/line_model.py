"""`python -m bench.line_model`: is there a line filter to learn on top of newsflow's text? (Tune half only.)

The sixth text pass (docs/extraction.md) tried a learned keep/drop decision for each line of the
final text instead of more hand rules. This script reproduces that measurement:

1. every tune page goes through `extract_article`; each line of its text gets features from the
   candidates newsflow already has (share of its words in readability-lxml's text and in JSON-LD
   `articleBody`, length, share that is one link's text, position, closing punctuation, list or
   table marker, digits, the two texts' agreement) and a label from the reference (half of its words
   in the reference text; for trafilatura-eval, a `with` or `without` snippet in it, else no label);
2. the **line oracle** drops every line labelled boilerplate: the most any line filter could gain;
3. a logistic regression (pure Python, weighted by log length) is trained on two sets' tune pages
   and applied to the third's, for a few thresholds and line lengths: the cross-corpus check.

It prints mean F1 per set before and after. Nothing here is used by newsflow (the filter gained
nothing that generalised; docs/extraction.md, "Sixth pass, text").
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from bench.corpora import CorpusPage, _flat, all_pages, text_score
from newsflow import extract
from newsflow.refine import json_ld_article_body
from newsflow.storytext import readability_text
from newsflow.tails import link_texts
from newsflow.text import token_f1, word_tokens

SETS = ("readability", "fundus", "trafilatura-eval")
CLOSING = tuple(".!?\"'):\u201d\u00bb\u201c\u2019\u2026\u3002\u300d\u300f\uff01\uff1f")
THRESHOLDS = (0.6, 0.75, 0.85, 0.9)
MAX_WORDS = (12, 25)


Filter = tuple[list[float], float, int]  # weights, threshold, longest line it may drop (words)


@dataclass
class PageLines:
    page: CorpusPage
    lines: list[str]
    features: list[list[float]]
    labels: list[float | None]


def features(lines: list[str], readability: str | None, body: str | None, anchors: list[str]) -> list[list[float]]:
    agreement = token_f1("\n".join(lines), readability) if readability else 0.0
    in_readability = set(word_tokens(readability or ""))
    in_body = set(word_tokens(body or ""))
    rows = []
    for index, line in enumerate(lines):
        tokens = word_tokens(line)
        count = max(1, len(tokens))
        confirmed = sum(token in in_readability for token in tokens) / count
        folded = " ".join(tokens)
        linked = max((len(a) / len(folded) for a in anchors if a in folded), default=0.0) if folded else 0.0
        rows.append([
            1.0, math.log1p(len(tokens)), min(len(tokens), 15) / 15, confirmed, float(readability is None),
            sum(token in in_body for token in tokens) / count, float(body is not None), min(linked, 1.0),
            index / max(1, len(lines) - 1), float(index == 0), float(index >= len(lines) - 2),
            float(line.rstrip().endswith(CLOSING)), float(line.startswith(("- ", "• ", "|"))),
            sum(char.isdigit() for char in line) / max(1, len(line)), agreement, confirmed * agreement,
        ])
    return rows


def label(page: CorpusPage, line: str) -> float | None:
    tokens = word_tokens(line)
    if not tokens:
        return None
    if page.text is not None:
        reference = set(word_tokens(page.text))
        return float(sum(token in reference for token in tokens) >= 0.5 * len(tokens))
    flat = _flat(line)
    if any(_flat(snippet) in flat for snippet in page.without_snippets):
        return 0.0
    return 1.0 if any(_flat(snippet) in flat for snippet in page.with_snippets) else None


def tune_lines() -> list[PageLines]:
    extract.prepare_extractor()
    out = []
    for page in all_pages():
        if page.half != "tune":
            continue
        article = extract.extract_article(page.html, page.url)
        readability = readability_text(extract._readability_seen.summary)
        tree = extract.page_tree(page.html)
        lines = article.text.split("\n") if article else []
        body = json_ld_article_body(tree) if tree is not None else None
        rows = features(lines, readability, body, link_texts(tree) if tree is not None else [])
        out.append(PageLines(page, lines, rows, [label(page, line) for line in lines]))
    return out


def fit(pages: list[PageLines], iterations: int = 300, rate: float = 1.0) -> list[float]:
    samples = [(row, y, math.log1p(len(word_tokens(line))))
               for p in pages for row, y, line in zip(p.features, p.labels, p.lines, strict=True) if y is not None]
    weights = [0.0] * len(samples[0][0])
    total = sum(weight for _, _, weight in samples)
    for _ in range(iterations):
        gradient = [0.0] * len(weights)
        for row, y, weight in samples:
            error = (probability(weights, row) - y) * weight
            for j, value in enumerate(row):
                gradient[j] += error * value
        pairs = enumerate(zip(weights, gradient, strict=True))
        weights = [w - rate * (g / total + (w / total if j else 0.0)) for j, (w, g) in pairs]  # L2, not on the bias
    return weights


def probability(weights: list[float], row: list[float]) -> float:
    z = sum(w * v for w, v in zip(weights, row, strict=True))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def mean_score(pages: list[PageLines], keep: Filter | str | None = None) -> float:
    return statistics.mean(text_score(p.page, "\n".join(kept_lines(p, keep))) for p in pages)


def kept_lines(p: PageLines, keep: Filter | str | None) -> list[str]:
    if keep is None:
        return p.lines
    if isinstance(keep, str):  # "oracle"
        return [line for line, y in zip(p.lines, p.labels, strict=True) if y != 0.0]
    weights, threshold, max_words = keep
    return [line for line, row in zip(p.lines, p.features, strict=True)
            if len(word_tokens(line)) > max_words or probability(weights, row) >= threshold]


def main() -> None:
    pages = tune_lines()
    by_set = {name: [p for p in pages if p.page.set_name == name] for name in SETS}
    for name in SETS:
        print(f"{name}: now {mean_score(by_set[name]):.4f}, line oracle {mean_score(by_set[name], 'oracle'):.4f}")
    for held in SETS:
        weights = fit([p for name in SETS if name != held for p in by_set[name]])
        for threshold in THRESHOLDS:
            for max_words in MAX_WORDS:
                keep: Filter = (weights, threshold, max_words)
                trained = "  ".join(f"{name} {mean_score(by_set[name]):.4f}->{mean_score(by_set[name], keep):.4f}"
                                    for name in SETS if name != held)
                print(f"held out {held}, threshold {threshold}, lines <= {max_words} words: "
                      f"{mean_score(by_set[held]):.4f}->{mean_score(by_set[held], keep):.4f}  (trained on: {trained})")


if __name__ == "__main__":
    main()
