"""The real news pages of ../shared/corpora with their ground truth, split into tune and report halves.

Used by the extraction benchmark (bench/extraction.py) and the quality tests (tests/quality/).
Each page is read as bytes and decoded the way a fetched page is (`newsflow.charset.decode_html`,
with no Content-Type header), so the evaluation goes through newsflow's own decoding.

- `readability`: Readability's reviewed output (tags stripped) is the reference text; yahoo-2 is
  a front page and left out. Dates from `publishedTime`.
- `fundus`: the body fundus parsed (summary, subheads, paragraphs); dates from `publishing_date`;
  the language from the publisher's country where a country has one news language.
- `trafilatura-eval`: human-chosen `with` / `without` snippets, scored as trafilatura's own
  evaluation does (a `with` snippet found is a true positive, a `without` snippet found a false
  positive); dates from `date`.

`half(page)` puts each page in "tune" or "report" by a hash of its set and key: stable across
runs and machines, about half each. Only the tune half may be looked at while choosing
settings; figures are reported on the report half.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

from newsflow.charset import decode_html
from newsflow.language import canonical_language
from newsflow.text import token_f1

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
FRONT_PAGES = {"yahoo-2"}
# Fundus countries whose publishers here all write in one language (checked by hand per publisher).
COUNTRY_LANGUAGE = {
    "at": "de", "au": "en", "cz": "cs", "de": "de", "dk": "da", "es": "es", "fr": "fr", "it": "it", "jp": "ja",
    "kr": "ko", "mx": "es", "pl": "pl", "pt": "pt", "ru": "ru", "se": "sv", "tr": "tr", "uk": "en", "us": "en",
    "no": "no", "lt": "lt", "vn": "vi", "py": "es",
}

# Publishers that write in another language than their country's (their pages declare it and
# their text is in it: German papers on Mallorca, in South Tyrol and Paraguay; English ones in
# Japan, Mexico and Portugal).
PUBLISHER_LANGUAGE = {
    "MallorcaMagazin": "de", "MallorcaZeitung": "de", "Tageszeitung": "de", "Wochenblatt": "de",
    "TheJapanNews": "en", "MexicoNewsDaily": "en", "ThePortugalNews": "en",
}


@dataclass(frozen=True)
class CorpusPage:
    set_name: str
    key: str
    html: str
    url: str
    text: str | None = None  # reference main text, when the set has one
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    published: date | None = None  # the reference publication day
    published_alt: date | None = None  # the same instant's day in UTC, when it differs
    language: str | None = None  # known language (primary subtag), when the set says
    title: str | None = None

    @property
    def half(self) -> str:
        return half_of(self.set_name, self.key)


def half_of(set_name: str, key: str) -> str:
    """"tune" or "report", by sha256 of "<set>/<key>": first byte even is tune (bench/date_holdout.py splits so too)."""
    digest = hashlib.sha256(f"{set_name}/{key}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "report"


class _TextOfHtml(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_tags(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def read_html(path: Path) -> str:
    return decode_html(gzip.decompress(path.read_bytes()), None)


def reference_days(value: str | None) -> tuple[date | None, date | None]:
    """The day a reference date names, and its UTC day when the offset moves it to another day."""
    text = (value or "").strip()
    if not text:
        return None, None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            return date.fromisoformat(text[:10]), None
        except ValueError:
            return None, None
    offset = parsed.utcoffset()
    if offset is None:
        return parsed.date(), None
    utc_day = (parsed.replace(tzinfo=None) - offset).date()
    return parsed.date(), (utc_day if utc_day != parsed.date() else None)


def readability_pages(root: Path) -> list[CorpusPage]:
    pages = []
    for folder in sorted(p for p in (root / "readability-testpages-news").iterdir() if p.is_dir()):
        if folder.name in FRONT_PAGES:
            continue
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        day, alt = reference_days(meta.get("publishedTime"))
        lang = (meta.get("lang") or "").split("-")[0].lower() or None
        expected = strip_tags(gzip.decompress((folder / "expected.html.gz").read_bytes()).decode("utf-8"))
        pages.append(CorpusPage("readability", folder.name, read_html(folder / "source.html.gz"),
                                f"https://example.test/{folder.name}", text=expected, published=day,
                                published_alt=alt, language=lang))
    return pages


def fundus_pages(root: Path) -> list[CorpusPage]:
    base = root / "fundus-news"
    pages = []
    with (base / "INDEX.csv").open(encoding="utf-8") as index:
        for row in csv.DictReader(index):
            truth = json.loads((base / row["expected_json"]).read_text(encoding="utf-8"))[row["version_key_inferred"]]
            body = truth.get("body") or {}
            paragraphs = list(body.get("summary", []))
            for section in body.get("sections", []):
                paragraphs += section.get("headline", []) + section.get("paragraphs", [])
            day, alt = reference_days(row["publishing_date"] or None)
            language = PUBLISHER_LANGUAGE.get(row["publisher"], COUNTRY_LANGUAGE.get(row["country"]))
            pages.append(CorpusPage("fundus", row["html_file"], read_html(base / row["html_file"]), row["url"],
                                    text="\n".join(paragraphs), published=day, published_alt=alt, language=language,
                                    title=truth.get("title")))
    return pages


def trafilatura_eval_pages(root: Path) -> list[CorpusPage]:
    base = root / "trafilatura-eval-news"
    entries = json.loads((base / "evaldata-news.json").read_text(encoding="utf-8"))
    pages = []
    for url, entry in sorted(entries.items()):
        day, alt = reference_days(entry.get("date"))
        pages.append(CorpusPage("trafilatura-eval", url, read_html(base / "html" / f"{entry['file']}.gz"), url,
                                with_snippets=tuple(entry["with"]), without_snippets=tuple(entry["without"]),
                                published=day, published_alt=alt))
    return pages


def all_pages(root: Path = CORPORA) -> list[CorpusPage]:
    return readability_pages(root) + fundus_pages(root) + trafilatura_eval_pages(root)


_SPACES = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def snippet_f1(page: CorpusPage, text: str) -> float:
    """trafilatura's evaluation: `with` snippets found are true positives, `without` ones found false positives."""
    flat = _flat(text)
    found = sum(_flat(snippet) in flat for snippet in page.with_snippets)
    leaked = sum(_flat(snippet) in flat for snippet in page.without_snippets)
    if found == 0:
        return 0.0
    precision, recall = found / (found + leaked), found / len(page.with_snippets)
    return 2 * precision * recall / (precision + recall)


def text_score(page: CorpusPage, text: str) -> float:
    """Token F1 against the reference text, or snippet F1 where the set has snippets only."""
    return token_f1(text, page.text) if page.text is not None else snippet_f1(page, text)


def same_day(page: CorpusPage, found: date | None) -> bool:
    """Whether a stored publication day (the publisher's local day) is the reference day, or that
    instant's UTC day (some references give one, some the other)."""
    if found is None or page.published is None:
        return False
    return found in {page.published, page.published_alt}


def language_matches(page: CorpusPage, found: str | None) -> bool:
    return canonical_language(found) == canonical_language(page.language)


def blind_set_problem(program: str, listing: Path, html_dir: Path) -> str | None:
    """One line saying what is wrong with a blind set's two paths (its JSON listing, its folder of pages), or
    None: the blind-set tools read sets built outside the project, so a wrong path is the commonest slip."""
    if not listing.is_file():
        return f"{program}: {listing} is not a file: give the set's JSON listing (see bench/README.md)"
    if not html_dir.is_dir():
        return f"{program}: {html_dir} is not a folder: give the folder holding the set's pages"
    return None
