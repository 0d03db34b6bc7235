"""The language of an article: what the page declares, checked against what its text is.

The identifier is py3langid's (the one trafilatura uses), loaded by `newsflow.langmodel`, the
only module that imports py3langid, in a form that takes less memory and classifies alike. It
runs in the extraction worker, on the normalised text, after trafilatura. `resolve_language` returns the
language (ISO 639-1, lowercase) and where it came from:

    both       the page declares a language and the text is in it
    declared   the page declares one; the text is too short to tell, or unsure (< MIN_CONFIDENCE)
    detected   the page declares none, or declares another one and the text is surely not in it
               (templates that say lang="en" on every page, "utf" in a charset-shaped field)
    None       neither: no declaration and no text to detect from

Without its model (mapped from the file kept in the user's cache folder; where that file is not
there yet, py3langid unpacks its model into the temporary folder, which can be full), detection is
off for the process: one warning, and the declared language is kept.

Measured on ../shared/corpora (docs/extraction.md): every declared/detected disagreement on a page
whose language is known was won by the detection, at about 4 ms a page.
"""

from __future__ import annotations

import logging
import re
import tempfile
from functools import lru_cache
from typing import Any

from newsflow.langmodel import CompactIdentifier, load_identifier

MIN_DETECT_WORDS = 10
"""Below this many words, detection is not tried: a caption is not a language sample."""
MIN_CONFIDENCE = 0.9
"""Normalised probability the detection needs to overrule a declared language."""
SAMPLE_CHARS = 2000
"""Detection reads the first characters of the text only: its cost grows with the length. 2,000
gave the same language and source as 5,000 on every corpus page (docs/extraction.md, "Language")."""

# Codes that name one language two ways; the right side is what py3langid says.
_ALIASES = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}


logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _identifier() -> CompactIdentifier | None:
    # Once per process: mapped in ~20 ms from the file kept in the user's cache folder
    # (newsflow.modelcache). Where that file is not there yet (or the folder cannot be written),
    # it is built (~1 s): py3langid unpacks its model (68 MB) into a temporary file first (and
    # the compact model goes to another, ~60 MB, where the cache folder cannot take it), so a full
    # or unwritable temporary folder would fail every page, and the extraction pool's forkserver
    # with them; detection is then off and declarations stand.
    try:
        return load_identifier()
    except OSError as error:
        logger.warning(
            "language detection is off: its model could not be unpacked into %s (%s); free space "
            "there or set TMPDIR to another folder. Declared languages are kept.",
            tempfile.gettempdir(),
            error,
        )
        return None


def load_language_model() -> None:
    """Load the model now rather than on the first detection."""
    _identifier()


def canonical_language(code: str | None) -> str | None:
    """Lowercased primary subtag with legacy and macrolanguage aliases folded ("nb" -> "no")."""
    if not code:
        return None
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    return _ALIASES.get(primary, primary) or None


def detect_language(text: str, words: int) -> tuple[str | None, float]:
    """The language of `text` and the identifier's confidence; (None, 0.0) for too little text."""
    if words < MIN_DETECT_WORDS:
        return None, 0.0
    identifier = _identifier()
    if identifier is None:
        return None, 0.0
    code, probability = identifier.classify(text[:SAMPLE_CHARS])
    return canonical_language(str(code)), float(probability)


def resolve_language(declared: str | None, text: str, words: int) -> tuple[str | None, str | None]:
    """(language, source): see the module docstring for the rule and the sources."""
    declared = canonical_language(declared)
    detected, confidence = detect_language(text, words)
    if detected is None:
        return declared, ("declared" if declared else None)
    if declared is None:
        return detected, "detected"
    if declared == detected:
        return declared, "both"
    if confidence >= MIN_CONFIDENCE:
        return detected, "detected"
    return declared, "declared"


_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
_LANGUAGE_META = ("content-language", "language", "dc.language", "og:locale")


def declared_language(tree: Any) -> str | None:
    """The language the page declares: <html lang>, then content-language / og:locale metas.

    Normalised to the primary subtag ("en-GB" -> "en"); `resolve_language`
    checks it against the text (moved from newsflow.extract, speed18).
    """
    candidates = [tree.get("lang"), tree.get("xml:lang")]
    for meta in tree.iterfind(".//meta"):
        name = (meta.get("http-equiv") or meta.get("name") or meta.get("property") or "").lower()
        if name in _LANGUAGE_META:
            candidates.append(meta.get("content"))
    for candidate in candidates:
        match = _LANGUAGE_TAG.match((candidate or "").strip())
        if match:
            return match.group(1).lower()
    return None
