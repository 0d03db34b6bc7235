"""Page furniture above the story's first paragraph (docs/extraction.md, "Twenty-ninth pass, text").

A blind check of where stored texts start (Mercury's fixtures, bench/starts.py) found lines kept above the story
that no earlier rule knew, each in the story's container where trafilatura reads it:

- a label left alone (`is_bare_label`): a stamp's or a byline's label whose value the page set in an element
  of its own, which trafilatura or the byline rule took away ("Published" over a `<time>`, "Publié le", "by"
  over the author's own `<div>`);
- a breadcrumb trail (`is_breadcrumb`): three or more short items joined by ">", "»", an angle quote or a
  fullwidth ">" (as "トップ > ニュースリリース > 薄型キーボード");
- a kicker set right before the page's `<h1>` (`_headline_kickers`) when the headline is not in the text (drop the
  headline and `newsflow.titleline.drop_title_line` takes its kicker with it: thirtieth pass);
- a notice that the article is old (`is_age_notice`): "This article is more than 5 years old", "Prenez note
  que cet article publié en 2017 pourrait contenir des informations qui ne sont plus à jour".

They are looked for only above the story: in the first HEAD_MAX_LINES lines, and above the first line of
STORY_LINE_MIN_WORDS words or more (the story has begun there; below it, "by" or "»" may be a story's own).
"""

from __future__ import annotations

import re
from typing import Any

from newsflow.factrows import FactRows
from newsflow.pageblocks import bounded_text, page_titles, text_element
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count, word_tokens

HEAD_MAX_LINES = 6
STORY_LINE_MIN_WORDS = 15
"""The head of the text: its first HEAD_MAX_LINES lines, up to the first of STORY_LINE_MIN_WORDS words or more
(as `storytext.MIN_PARAGRAPH_WORDS`: the length of a story's paragraph)."""
BARE_LABELS = frozenset({
    # a byline's opener whose name is an element of its own
    "by", "von", "por", "par", "door", "di", "av", "af", "od", "fra", "written by", "words by", "text von",
    # a stamp's label whose date is a <time> of its own
    "published", "published on", "published at", "updated", "updated on", "last updated", "posted", "posted on",
    "first published", "veröffentlicht", "veröffentlicht am", "aktualisiert", "aktualisiert am", "zuletzt aktualisiert",
    "publié", "publié le", "mis à jour", "mis à jour le", "publicado", "publicado el", "publicado em", "actualizado",
    "actualizado el", "atualizado", "atualizado em", "pubblicato", "pubblicato il", "aggiornato", "aggiornato il",
    "gepubliceerd", "gepubliceerd op", "bijgewerkt", "bijgewerkt op", "publicerad", "publisert", "opublikowano",
})  # fmt: skip
"""Labels that are never a line of a story by themselves; compared as the line's word tokens, so a colon or a
dash after them does not matter ("Published:", "By —")."""
FIELD_LABEL_MAX_WORDS = 3
MAX_LABELS_READ = 20
LABEL_MAX_CHARACTERS = 100  # three words and their markup's spaces
LABEL_MAX_CLIMB = 2  # a word's inline tag, a tag around that, then the label's element
_FIRST_TEXTS_HOLDING = f"(//body//text()[contains(., $probe)])[position() <= {MAX_LABELS_READ}]"
"""The page's first MAX_LABELS_READ text nodes that hold a string: one walk in C, and only those made Python objects
(a label's one word is in 50,000 text nodes of a hostile page: 0.5 s when all of them were)."""
KICKER_MAX_WORDS = 10
KICKER_MAX_CHARACTERS = 300  # ten words' text, with its spaces and markup's line breaks
MAX_KICKED_HEADLINES = 3
_BARE_LABELS = frozenset(" ".join(word_tokens(label)) for label in BARE_LABELS)
_CRUMB_SEPARATOR = re.compile(r"\s*(?<![-=])(?:>|＞|›|»|≫)\s*")  # not an arrow's head ("->", "=>")  # noqa: RUF001 (the fullwidth and angle forms are the point)
BREADCRUMB_MIN_ITEMS = 3
BREADCRUMB_ITEM_MAX_CHARS = 40
"""A breadcrumb has at least three items, each a section's name: short, and no sentence ("Rents > wages >
savings: the survey's three lines tell …" is a story's line)."""
_ELISION = re.compile(  # an elided article, preposition or pronoun (French, Italian, Catalan), not "Today's"
    r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu|quelqu|dell|nell|sull|dall|all|coll|pell|quell|quest|nessun|un)"
    r"['’](?=[^\W\d_])", re.IGNORECASE)  # noqa: RUF001 (both apostrophes)
_SPEECH_MARK = re.compile(r"[\"“”„«»‘’‚‹›?!？！]")  # noqa: RUF001 (the quotes of several languages are the point)
_LETTER = re.compile(r"[^\W\d_]")
_LABEL_DISPLAY = re.compile(r"label[-_]+(?:hidden|above|inline|visually)")  # how a field shows its label
_SENTENCE_MARK = re.compile(r"[.!?。！？:;,：；、，«“”„]")  # noqa: RUF001 (quotes: German sets »quotes« with the same mark)
_AGE_NOTICE = re.compile(
    r"\bthis (?:article|story|post|content) (?:is|was (?:first )?published|was written) "
    r"(?:more than|over|older than) (?:\w+ ){1,2}(?:years?|months?) (?:old|ago)(?:[.!]|$)"
    r"|\bcet article (?:publié|a été publié|date)\b.*\b(?:ne sont plus à jour|n'est plus à jour|de plus de \w+ ans?)"
    r"|\b(?:dieser|der) (?:artikel|beitrag|text) (?:ist (?:älter als|mehr als|über) \w+ (?:jahr|monat)"
    r"|wurde vor (?:mehr als|über) \w+ (?:jahren|monaten))"
    r"|\b(?:este|esta) (?:artículo|noticia|nota) (?:tiene más de|fue publicad[oa] hace más de) \w+ (?:años?|meses)"
    r"|\bquesto articolo (?:ha più di|è stato pubblicato (?:più di|oltre)) \w+ (?:anni|mesi)"
    r"|\beste artigo (?:tem mais de|foi publicado há mais de) \w+ (?:anos?|meses)",
    re.IGNORECASE,
)
"""An archive's notice: the article's age and nothing of the story. A line that says "the article is more than a
review" is the story's: a count of years or months must follow, and in English the sentence ends there ("This
story is more than 20 years old: in 2003, …" is the story's opening)."""
AGE_NOTICE_MAX_WORDS = 30


def drop_start_furniture(text: str, tree: Any = None) -> str:
    """The text without the bare labels, field labels, breadcrumbs, age notices, kickers and fact tables' rows
    above its first story paragraph. With the page's tree, a breadcrumb's items but its last must be the texts of
    the page's links, as a trail's are: a menu path written out ("Settings > Privacy > Location") is a how-to's
    line."""
    lines = text.split(PARAGRAPH_SEPARATOR)
    kept: list[str] = []
    links: set[str] | None = None  # the page's link texts, read once, at the first breadcrumb (review: 6 reads)
    kickers, labels = _Kickers(tree), _FieldLabels(tree)
    facts = FactRows(tree, _head(lines))
    for index, line in enumerate(lines):
        in_head = index < HEAD_MAX_LINES and not any(word_count(seen) >= STORY_LINE_MIN_WORDS for seen in kept)
        if not (in_head and index + 1 < len(lines)):
            kept.append(line)
        elif _is_head_furniture(line, kickers, facts) or labels.holds(line):
            continue
        elif is_breadcrumb(line) and tree is not None:
            links = _link_texts(tree) if links is None else links
            if not _items_linked(line, links):
                kept.append(line)
        elif not is_breadcrumb(line):
            kept.append(line)
    return PARAGRAPH_SEPARATOR.join(kept)


def _is_head_furniture(line: str, kickers: _Kickers, facts: FactRows) -> bool:
    labelled = is_bare_label(line) or is_age_notice(line)
    return labelled or kickers.holds(line) or facts.holds(line)


def _head(lines: list[str]) -> list[str]:
    """The text's first HEAD_MAX_LINES lines, up to its first story line."""
    head = []
    for line in lines[:HEAD_MAX_LINES]:
        if word_count(line) >= STORY_LINE_MIN_WORDS:
            break
        head.append(line)
    return head


class _FieldLabels:
    """The head lines that are field labels (`is_field_label`) the page marks as labels: the line is the text of
    an element whose class or id names a label (Drupal's `div.field-label`), or of a `<label>`, or of a child of
    one. A story's own "Update:" or "Key points:" over its lines is a paragraph of the story (review of the
    thirty-first pass), so the text alone does not tell; the page's text nodes are searched for the label's words
    (one walk in C, only for such a line), the first MAX_LABELS_READ that hold them read. A label split by inline
    tags (`<b>Episode</b> Description:`) is in no one text node: it is searched again by its longest word, and the
    element that shows the line is that node's or one of its LABEL_MAX_CLIMB ancestors (thirty-second pass)."""

    def __init__(self, tree: Any) -> None:
        self.tree = tree

    def holds(self, line: str) -> bool:
        if self.tree is None or not is_field_label(line):
            return False
        label = line.rstrip().rstrip(":：").strip()  # noqa: RUF001 (the fullwidth colon is the point)
        whole = self._shown(label, line.rstrip(), climb=0)
        if whole is not None:  # an element shows the line in one text node: no split label (review: one walk)
            return whole
        longest = max(label.split(), key=len, default="")
        return longest != label and bool(self._shown(longest, line.rstrip(), climb=LABEL_MAX_CLIMB))

    def _shown(self, probe: str, line: str, climb: int) -> bool | None:
        """True when a marked label shows the line, False when only unmarked elements do, None when none does."""
        wanted, seen = (_squeezed(line) if climb else line), None
        for found in self.tree.xpath(_FIRST_TEXTS_HOLDING, probe=probe):
            element = text_element(found)
            for _ in range(climb + 1):
                text = bounded_text(element, LABEL_MAX_CHARACTERS, " ")
                if text is None:
                    break
                shown = _squeezed(text) if climb else normalized_line(text)
                if shown == wanted and any(_marks_a_label(box) for box in (element, element.getparent())):
                    return True
                seen = False if shown == wanted else seen
                if len(shown) >= len(wanted) or element.getparent() is None:
                    break  # the element shows more than the line: its ancestors do too
                element = element.getparent()
        return seen


def _squeezed(text: str) -> str:
    """Text without its spaces: inline tags split a label's words and its colon at places the line does not."""
    return "".join(text.split())


def _marks_a_label(element: Any) -> bool:
    """A `<label>`, or a class or id word naming a label; not a field's word for how its label shows (Drupal's body
    field is `field--label-hidden`, a field of tags `field-label-inline`: the story's own lines are in it)."""
    if element is None:
        return False
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower().split()
    return element.tag == "label" or any("label" in name and not _LABEL_DISPLAY.search(name) for name in names)


class _Kickers:
    """The page's headline kickers (`_headline_kickers`), read at the first head line short enough to be one: most
    texts have none, and the read costs three walks of the page."""

    def __init__(self, tree: Any) -> None:
        self.tree = tree
        self.texts: set[str] | None = None

    def holds(self, line: str) -> bool:
        if self.tree is None or word_count(line) > KICKER_MAX_WORDS:
            return False
        if self.texts is None:
            self.texts = _headline_kickers(self.tree)
        return line in self.texts


def _headline_kickers(tree: Any) -> set[str]:
    """The texts of the blocks set right before the page's first MAX_KICKED_HEADLINES <h1>s that its title repeats
    (the headline, not a subhead set as an <h1>), of at most KICKER_MAX_WORDS words: a kicker over the headline
    (el mundo's `p.antetitulo`), a section's name, a date, never the story's first line (thirtieth pass: the
    headline left out, its kicker opened the text)."""
    kickers = set()
    titles = [f" {' '.join(word_tokens(title))} " for title in page_titles(tree)]  # padded: whole words
    for count, heading in enumerate(tree.iterfind(".//h1")):
        before = heading.getprevious()
        if count == MAX_KICKED_HEADLINES:
            break
        if not _in_titles(" ".join(heading.itertext()), titles):
            continue  # a subhead set as an <h1> (review: a story's short first line stood right before one)
        if before is not None and isinstance(before.tag, str) and before.tag not in ("script", "style"):
            kicker = normalized_line(bounded_text(before, KICKER_MAX_CHARACTERS, " ") or "")
            if 0 < word_count(kicker) <= KICKER_MAX_WORDS:
                kickers.add(kicker)
    return kickers


def _in_titles(headline: str, titles: list[str]) -> bool:
    """Whether the headline's words are a page title's, or in one (after a kicker, before a site's name)."""
    words = f" {' '.join(word_tokens(headline))} "
    return bool(words.strip()) and any(words in title for title in titles)


def _link_texts(tree: Any) -> set[str]:
    return {" ".join(" ".join(anchor.itertext()).split()) for anchor in tree.iterfind(".//a")}


def _items_linked(line: str, links: set[str]) -> bool:
    items = [item.strip() for item in _CRUMB_SEPARATOR.split(line.strip())]
    return all(item in links for item in items[:-1])


def is_head_furniture(line: str) -> bool:
    return is_bare_label(line) or is_breadcrumb(line) or is_age_notice(line)


def is_bare_label(line: str) -> bool:
    """A byline's or a stamp's label alone on its line ("by", "Published", "Publié le"); quoted or asked, it is
    speech: "“Published?”" opens a story (review)."""
    return " ".join(word_tokens(line)) in _BARE_LABELS and not _SPEECH_MARK.search(line)


def is_field_label(line: str) -> bool:
    """A label of at most FIELD_LABEL_MAX_WORDS words ending in a colon, alone on its line: a template's name for the
    field below it ("Episode Description:", "Summary:"), no sentence of a story, which says something before its
    colon; quoted, it is speech. An elided article is no word of its own ("Description de l'épisode :", "Descrizione
    dell'episodio:": three words, thirty-fourth pass); its apostrophe, straight or typographic, is no speech mark."""
    stripped = line.rstrip()
    if not stripped.endswith((":", "：")):  # noqa: RUF001 (the fullwidth colon is the point)
        return False
    unelided = _ELISION.sub("", stripped)  # a typographic elision is no speech mark (review)
    return 0 < word_count(unelided) <= FIELD_LABEL_MAX_WORDS and not _SPEECH_MARK.search(unelided)


def is_breadcrumb(line: str) -> bool:
    """Three or more short items joined by a breadcrumb's separator, none of them a sentence."""
    items = [item.strip() for item in _CRUMB_SEPARATOR.split(line.strip())]
    return (
        len(items) >= BREADCRUMB_MIN_ITEMS
        and all(0 < len(item) <= BREADCRUMB_ITEM_MAX_CHARS and _LETTER.search(item) for item in items)
        and not _SENTENCE_MARK.search(line)
    )


def is_age_notice(line: str) -> bool:
    """A notice that the article is old ("This article is more than 5 years old")."""
    return word_count(line) <= AGE_NOTICE_MAX_WORDS and bool(_AGE_NOTICE.search(line))
