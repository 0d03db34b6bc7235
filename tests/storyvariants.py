"""Labelled wire-style variants of news texts, for the stories evaluation and benchmark.

A *source* is one real article (from ../shared/corpora) or one synthetic article. Its
*variants* are what other outlets make of it: a dateline added, byline and footer lines, the
last paragraphs cut, the headline changed, light rewording, another site's boilerplate around
the same text. Everything is seeded, so a given seed always yields the same set.

Hard negatives come built in: one agency's footer and one site's template are shared by the
variants of many different sources, so different stories look alike outside their bodies.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import random
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

from newsflow.text import normalize_text

TRANSFORMS = ("dateline", "byline_footer", "cut_tail", "headline", "reword", "site_boilerplate")

_CITIES = ("WASHINGTON", "LONDON", "BERLIN", "NAIROBI", "TOKYO", "SAO PAULO", "MADRID", "SYDNEY")
_AGENCIES = {
    "Reuters": "Reporting by {name}; Editing by {editor}. Our Standards: The Thomson Reuters Trust Principles.",
    "AP": "Copyright 2024 The Associated Press. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed without permission.",
    "AFP": "© Agence France-Presse. All reproduction and representation rights reserved.",
    "dpa": "Diese Meldung ist Teil eines automatisierten Angebots der nach strengen journalistischen "
    "Regeln arbeitenden Deutschen Presse-Agentur (dpa). Sie wird von keinem Redakteur bearbeitet.",
}
_NAMES = ("Jane Doe", "Ahmed Karimi", "Lucia Fernández", "Tom Baker", "Yuki Sato", "Priya Natarajan")
_SITES = ("The Daily Ledger", "Metro Courier", "Northern Star", "Kurier Online", "Gazeta Nowa", "El Diario Sur")
_REWORDINGS = {
    "said": "says",
    "says": "said",
    "percent": "per cent",
    "announced": "revealed",
    "however": "but",
    "also": "additionally",
    "told": "informed",
    "people": "residents",
    "according": "based",
    "sagte": "erklärte",
    "dijo": "afirmó",
    "disse": "afirmou",
}


@dataclass(frozen=True)
class SourceArticle:
    source_id: str
    publisher: str
    title: str
    paragraphs: tuple[str, ...]
    topics: frozenset[str] = frozenset()

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class LabelledText:
    """One text of the evaluation set; texts with the same `source_id` are one story."""

    doc_id: str
    source_id: str
    publisher: str
    title: str
    text: str
    transforms: tuple[str, ...]
    topics: frozenset[str] = frozenset()
    site: str = ""  # the site that published it, where known: the publisher, or the site wrapping a copy


# --- the real corpora ---------------------------------------------------------------------


def load_sources(corpora: Path) -> list[SourceArticle]:
    """Every article with reference text: fundus bodies and Readability's expected output."""
    return [*_fundus_sources(corpora / "fundus-news"), *_readability_sources(corpora / "readability-testpages-news")]


def _fundus_sources(root: Path) -> Iterator[SourceArticle]:
    with (root / "INDEX.csv").open(encoding="utf-8") as index:
        for row in csv.DictReader(index):
            version = json.loads((root / row["expected_json"]).read_text(encoding="utf-8"))[row["version_key_inferred"]]
            body = version.get("body") or {}
            chunks = [*body.get("summary", []), *(p for s in body.get("sections", []) for p in s["paragraphs"])]
            paragraphs = tuple(p for p in (normalize_text(c) for c in chunks) if p)
            yield SourceArticle(
                source_id=row["html_file"],
                publisher=row["publisher"],
                title=version.get("title") or "",
                paragraphs=paragraphs,
                topics=frozenset(t.casefold() for t in version.get("topics") or ()),
            )


def _readability_sources(root: Path) -> Iterator[SourceArticle]:
    for page in sorted(p for p in root.iterdir() if (p / "expected.html.gz").is_file()):
        if page.name == "yahoo-2":  # a front page, not an article
            continue
        meta = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8"))
        html = gzip.decompress((page / "expected.html.gz").read_bytes()).decode("utf-8")
        yield SourceArticle(
            source_id=f"readability/{page.name}",
            publisher=page.name.rstrip("-0123456789"),
            title=meta.get("title") or "",
            paragraphs=tuple(_html_paragraphs(html)),
        )


class _ParagraphCollector(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "figcaption", "br", "tr"})
    _SKIP = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skipping += tag in self._SKIP
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in self._SKIP
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data.replace("\n", " "))


def _html_paragraphs(html: str) -> list[str]:
    collector = _ParagraphCollector()
    collector.feed(html)
    return normalize_text("".join(collector.parts)).split("\n")


# --- variants -----------------------------------------------------------------------------

Transform = Callable[[list[str], random.Random], list[str]]


def add_dateline(paragraphs: list[str], rng: random.Random) -> list[str]:
    dateline = f"{rng.choice(_CITIES)} ({rng.choice(list(_AGENCIES))}) —"
    return [f"{dateline} {paragraphs[0]}", *paragraphs[1:]]


def add_byline_footer(paragraphs: list[str], rng: random.Random) -> list[str]:
    agency = rng.choice(list(_AGENCIES))
    name, editor = rng.sample(_NAMES, 2)
    footer = _AGENCIES[agency].format(name=name, editor=editor)
    return [f"By {name}, {agency}", *paragraphs, footer]


def cut_tail(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Keep the first 50-90% of the words, in whole paragraphs; always cut something."""
    if len(paragraphs) < 2:
        return paragraphs
    budget = rng.uniform(0.5, 0.9) * sum(len(p.split()) for p in paragraphs)
    kept: list[str] = []
    for paragraph in paragraphs[:-1]:
        if kept and sum(len(p.split()) for p in kept) + len(paragraph.split()) > budget:
            break
        kept.append(paragraph)
    return kept


def reword(paragraphs: list[str], rng: random.Random, rate: float = 0.04) -> list[str]:
    """Light rewording: about `rate` of the words replaced, dropped or swapped with a neighbour."""
    return [" ".join(_reword_words(p.split(" "), rng, rate)) for p in paragraphs]


def _reword_words(words: list[str], rng: random.Random, rate: float) -> list[str]:
    out = list(words)
    for i in range(len(out)):
        if rng.random() >= rate:
            continue
        edit = rng.randrange(3)
        if edit == 0:
            out[i] = _REWORDINGS.get(out[i].casefold(), out[rng.randrange(len(out))])
        elif edit == 1:
            out[i] = ""
        elif i + 1 < len(out):
            out[i], out[i + 1] = out[i + 1], out[i]
    return [w for w in out if w]


def wrap_in_site(paragraphs: list[str], site: str, other_titles: Sequence[str]) -> list[str]:
    """Another site's page around the same text: header, ads, related links, footer.

    The template depends on the site only, so every article wrapped for one site shares it.
    """
    site_rng = random.Random(f"site:{site}")
    related = site_rng.sample(list(other_titles), min(3, len(other_titles)))
    middle = len(paragraphs) // 2
    return [
        f"{site} | News | World | Business | Sport | Opinion",
        "Share on Facebook Share on X Email",
        *paragraphs[:middle],
        "Advertisement",
        *paragraphs[middle:],
        f"Sign up for the {site} morning briefing, delivered to your inbox every weekday.",
        "Most read",
        *related,
        f"© 2024 {site}. All rights reserved.",
    ]


def make_variant(
    source: SourceArticle, transforms: Sequence[str], rng: random.Random, other_titles: Sequence[str]
) -> LabelledText:
    paragraphs = list(source.paragraphs)
    title = source.title
    site = ""  # another outlet's copy, of an outlet that carries nothing else
    for name in TRANSFORMS:  # a fixed order: rewording first, wrapping last
        if name not in transforms:
            continue
        if name == "headline":
            title = f"{rng.choice(('UPDATE 1-', 'Breaking:', 'Watch:'))} {source.title}"
        elif name == "site_boilerplate":
            site = rng.choice(_SITES)
            paragraphs = wrap_in_site(paragraphs, site, other_titles)
        else:
            paragraphs = _PARAGRAPH_TRANSFORMS[name](paragraphs, rng)
    doc_id = f"{source.source_id}#{'+'.join(transforms)}"
    return LabelledText(
        doc_id, source.source_id, source.publisher, title, "\n".join(paragraphs), tuple(transforms), source.topics,
        site,
    )


_PARAGRAPH_TRANSFORMS: dict[str, Transform] = {
    "dateline": add_dateline,
    "byline_footer": add_byline_footer,
    "cut_tail": cut_tail,
    "reword": reword,
}


def variant_plan(rng: random.Random, combined: int = 2) -> list[tuple[str, ...]]:
    """Each transform alone, then `combined` random mixes of two to four of them."""
    plan: list[tuple[str, ...]] = [(name,) for name in TRANSFORMS]
    for _ in range(combined):
        plan.append(tuple(sorted(rng.sample(TRANSFORMS, rng.randint(2, 4)), key=TRANSFORMS.index)))
    return plan


def news_digest(digest_id: str, parts: Sequence[SourceArticle]) -> LabelledText:
    """A briefing built from the opening paragraphs of other stories: a story of its own.

    It shares long runs of text with each of its parts, which makes it the hardest negative.
    """
    paragraphs = ["Your morning briefing: what you need to know today."]
    for part in parts:
        paragraphs += [part.title, _lede(part.paragraphs[0], 50)]
    return LabelledText(digest_id, digest_id, "digest", "Morning briefing", "\n".join(paragraphs), ("digest",))


def _lede(paragraph: str, words: int) -> str:
    """The first `words` words (characters, in CJK text) of a paragraph, as a briefing quotes it."""
    spaced = paragraph.split(" ")
    if len(spaced) > 1:
        return " ".join(spaced[:words])
    return paragraph[: words * 2]


def labelled_set(
    sources: Sequence[SourceArticle], seed: int = 0, combined: int = 2, digests: int = 40
) -> list[LabelledText]:
    """Each source as published, followed by its variants; then `digests` news digests."""
    titles = [s.title for s in sources if s.title]
    texts: list[LabelledText] = []
    for source in sources:
        rng = random.Random(f"{seed}:{source.source_id}")
        texts.append(
            LabelledText(
                source.source_id, source.source_id, source.publisher, source.title, source.text, (), source.topics,
                source.publisher,
            )
        )
        for transforms in variant_plan(rng, combined):
            variant = make_variant(source, transforms, rng, titles)
            texts.append(replace(variant, doc_id=f"{variant.doc_id}#{len(texts)}"))
    # Each source appears in one digest at most, so two digests are never copies of each other.
    parts = random.Random(f"{seed}:digests").sample(list(sources), min(len(sources), 3 * digests))
    texts += [news_digest(f"digest/{i // 3}", parts[i : i + 3]) for i in range(0, len(parts) - 2, 3)]
    return texts


# --- synthetic articles, for the benchmark ------------------------------------------------


def synthetic_vocabulary(size: int, rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(size)]


def synthetic_source(
    source_id: str, vocabulary: Sequence[str], cum_weights: Sequence[float], rng: random.Random
) -> SourceArticle:
    """An article of 150-900 words in 4-12 paragraphs, words drawn from a Zipf-like law."""
    paragraph_count = rng.randint(4, 12)
    total = rng.randint(150, 900)
    words = rng.choices(vocabulary, cum_weights=cum_weights, k=total)
    size = max(1, total // paragraph_count)
    paragraphs = tuple(" ".join(words[i : i + size]).capitalize() + "." for i in range(0, total, size))
    return SourceArticle(source_id, "synthetic", " ".join(words[:8]).title(), paragraphs)


def synthetic_stream(count: int, copy_share: float = 0.3, seed: int = 0) -> Iterator[LabelledText]:
    """`count` texts, made one at a time: originals, and (about `copy_share` of them) variants
    of one of the last 2,000 originals, as copies follow their original within a few runs."""
    rng = random.Random(f"synthetic:{seed}")
    vocabulary = synthetic_vocabulary(30_000, rng)
    cum_weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocabulary))))
    recent: deque[SourceArticle] = deque(maxlen=2_000)
    for i in range(count):
        if recent and rng.random() < copy_share:
            source = rng.choice(recent)
            transforms = tuple(sorted(rng.sample(TRANSFORMS, rng.randint(1, 3)), key=TRANSFORMS.index))
            titles = [recent[-k].title for k in range(1, min(4, len(recent)) + 1)]
            yield replace(make_variant(source, transforms, rng, titles), doc_id=f"s{i}")
        else:
            source = synthetic_source(f"s{i}", vocabulary, cum_weights, rng)
            recent.append(source)
            yield LabelledText(f"s{i}", source.source_id, "synthetic", source.title, source.text, ())
