"""Real article text for the search golden tests: fundus-news's bodies from ../shared/corpora.

Each article is `country/Publisher/version` with the title and body text fundus's parser gave
(reviewed upstream), in the language of its publisher's country (the few exceptions listed).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.searchsample import Doc

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fundus-news"
LANGUAGES = {"us": "en", "uk": "en", "au": "en", "ca": "en", "de": "de", "at": "de", "ch": "de", "fr": "fr",
             "es": "es"}
EXCEPTIONS = {"MallorcaMagazin": "de", "MallorcaZeitung": "de"}


def corpus_docs() -> list[Doc]:
    docs = []
    with open(CORPUS / "INDEX.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows):
        language = EXCEPTIONS.get(row["publisher"], LANGUAGES.get(row["country"]))
        if language is None:
            continue
        expected = json.loads((CORPUS / row["expected_json"]).read_text(encoding="utf-8"))[row["version_key_inferred"]]
        body = expected.get("body") or {}
        paragraphs = list(body.get("summary") or [])
        for section in body.get("sections") or []:
            paragraphs += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
        slug = f"{row['country']}/{row['publisher']}/{row['version_key_inferred']}"
        docs.append(Doc(slug, expected.get("title") or "", "\n".join(paragraphs), language=language,
                        site=f"{row['publisher'].lower()}.example", days_ago=1 + number % 30, feed=row["country"]))
    return docs
