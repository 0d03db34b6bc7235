"""What pages put after the story, inside the container trafilatura takes: cut from the text's end.

Pure functions over normalised text (one paragraph per line), readability-lxml's text of the page
and an lxml tree of the page (only its methods are used; lxml is not imported). Chosen on the tune
half of ../shared/corpora (docs/extraction.md, "Fifth pass, text"):

- `drop_unconfirmed_tail`: the lines at the end that readability-lxml's extraction lacks, whatever
  their length (an appeal to support the paper, an account or paywall notice), when the two texts
  agree on the rest;
- `drop_signature_line`: an agency's or editor's signature as the last line ("aja/PAP", "(dpa)",
  "(grh)");
- `drop_reader_call`: a last line that speaks to the reader and links elsewhere ("Alle weiteren
  Informationen findet ihr hier.", "If you're on the app, click here to watch live", a cookie
  notice): tenth pass, chosen on the blind set's tune half;
- `drop_linked_tail`: a run of short lines at the end that are each mostly the text of one of the
  page's links (other stories' headlines, with no "Related" heading above them; the heading case
  is `refine.drop_related_tail`), each maybe with its summary below it, or lines inside links that
  wrap a whole card (seventh pass: The Herald Sun's opinion teasers, Taipei Times' story cards).

Only the end is trimmed: at the start, a line that readability lacks is as often the lead or a
subhead, and a linked line is as often the story's kicker.
"""

from __future__ import annotations

import re
from typing import Any

from newsflow.leadins import LIST_ITEM_MARK, LeadIns
from newsflow.pageblocks import TEXT_HOLDING, bounded_text
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, token_f1, word_count, word_tokens

TAIL_MIN_AGREEMENT = 0.8
TAIL_MAX_COVERED = 0.7
TAIL_MAX_SHARE = 0.3
"""The lines at the end of which under TAIL_MAX_COVERED of the words are in readability's text are
dropped when the two texts agree at token F1 >= TAIL_MIN_AGREEMENT and those lines hold at most
TAIL_MAX_SHARE of the text's words (so a readability that stopped early never cuts the story).
On the tune half: agreement 0.8 (0.7 cut a story whose readability text was a third of it; 0.9
kept a donation appeal), any coverage in 0.5-0.8 and share in 0.3-0.5 change the same pages."""
LINKED_LINE_MAX_WORDS = 25
LINKED_LINE_SHARE = 0.6
LINKED_MIN_LINES = 2
LINK_MIN_WORDS = 3
"""A run of at least LINKED_MIN_LINES lines at the end, each of at most LINKED_LINE_MAX_WORDS words
and for LINKED_LINE_SHARE or more of its characters the text of one link of the page (of
LINK_MIN_WORDS words or more), is a list of other stories. A single linked last line stays: it
is as often the story's own "read the report" link. Such a run also takes the summary (of at most
SUMMARY_MAX_WORDS words) right below a linked headline, and any line of CARD_LINE_MIN_CHARACTERS or
more inside a link that wraps a block (a teaser card, headline and summary in one `<a>`); a short
heading (at most HEADING_MAX_WORDS words, no closing punctuation) right above the run goes with it.
A run with such cards may be up to CARDS_MAX_SHARE of the text's words (cards with long summaries:
a line inside a link that wraps a block is never the story's); others TAIL_MAX_SHARE."""
SUMMARY_MAX_WORDS = 60
MIN_SUMMARIES = 2
"""A run that takes summaries takes at least MIN_SUMMARIES of them: a list of other stories pairs every
headline with its summary, while one unlinked line after a list of links is the story's own closing
paragraph ("On this page you learned ..." after a list of further tutorials). Eighth pass: chosen on
the tune half of the hold-out pages (bench.holdout), where a single summary was the story's end on
2 pages; no corpus tune page changes."""
CARD_LINE_MIN_CHARACTERS = 20
HEADING_MAX_WORDS = 6
CARDS_MAX_SHARE = 0.6

READER_CALL_MAX_WORDS = 25
"""A last line of at most this many words that addresses the reader (a second-person pronoun, in
the languages of the corpora) and whose block on the page holds a link or a button is a pointer
elsewhere: "Hier finden Sie weitere Informationen", "Sign up here", "Die kompletten Resultate finden
Sie in unserer Ergebnisrubrik". A quotation is the story's own ("'If you want to go,' she said");
longer lines are too (at 35 words a closing appeal of the story was taken: wordpress.com, -0.2)."""
_READER = re.compile(
    r"\b(?:you|your|yours|du|dich|dir|dein|deine|deinen|deinem|euch|euer|eure|ihr|usted|ustedes|tú|vous|votre|"
    r"vos|tu|você|voi|jij|jouw|jullie|uw|deg|din|ditt|dere)\b",
    re.IGNORECASE,
)
_FORMAL_READER = re.compile(r"\b(?:Sie|Ihnen|Ihre|Ihren|Ihrem|Ihrer)\b")  # capitalised: not "sie" (she, they)
_QUOTATION = re.compile("[\"„“”«»]")
OFFER_BOX_MAX_LINES = 3
OFFER_BOX_MAX_CHARACTERS = 1_500
OFFER_BOX_MAX_DEPTH = 3
OFFER_LINE_SLACK = 50
OFFER_BOX_MAX_PARAGRAPHS_READ = 5_000
OFFER_LINE_MAX_MATCHES = 2
"""An offer's box: at most OFFER_BOX_MAX_LINES paragraphs (a label, a line or two, the offer) in at most
OFFER_BOX_MAX_CHARACTERS, the paragraphs' parent or an ancestor up to OFFER_BOX_MAX_DEPTH above them; its
paragraphs are found among the page's first OFFER_BOX_MAX_PARAGRAPHS_READ, each read to the last line's length and
OFFER_LINE_SLACK more, and the boxes of the first OFFER_LINE_MAX_MATCHES that are the line read (a hostile page's
thousand copies of the line, in boxes of empty elements, cost two reads of the page)."""
_OFFER_WORD = re.compile(
    r"\b(?:test|testen|teste|gratis|kostenlos|free|trial|angebot|offer|offre|oferta|offerta|aanbod|abo|abonnement"
    r"|subscription|subscribe|essai|prueba|prova|proef)\b",
    re.IGNORECASE,
)
_SUBSCRIPTION_LINK = re.compile(
    r"(?:^|[/._=-])(?:probe|test|digital|print)?abo(?:nnement|nnieren|s)?(?:$|[/._?=#-])|subscri(?:be|ption)"
    r"|suscri(?:be|pci)|abbonament|abonneren|free-?trial|(?:^|/)trial(?:$|[/._?=#-])",
    re.IGNORECASE,
)
"""A link to a subscription page: its address names a subscription ("/abo/probeabo.php", "/subscribe",
"/abonnement", "?trial")."""
_LINE_BLOCKS = frozenset({"p", "div", "li", "span", "h2", "h3", "h4", "td", "section", "strong", "em"})
_SIGNATURE = re.compile(r"^\(?[^\W\d_]{1,5}\)?$|^\(?[^\W\d_]{1,7}(?:\s*[/,]\s*[^\W\d_]{1,7}){1,3}\)?$")
"""A signature: a group of at most five letters, or two to four of at most seven joined by "/" or ",",
maybe in brackets ("DS", "(dpa)", "aja/PAP", "jm/AFP/Reuters")."""


def drop_story_tail(text: str, readability: str | None, tree: Any) -> str:
    """The text without the unconfirmed block, the linked lines and the signature at its end."""
    return drop_signature_line(drop_linked_tail(drop_unconfirmed_tail(text, readability), tree))


def drop_signature_line(text: str) -> str:
    """The text without a last line that is only a signature: initials and agencies ("aja/PAP",
    "(dpa)", "(grh)", "jm/AFP/Reuters"), which close a story and are not part of it."""
    head, separator, last = text.rpartition(PARAGRAPH_SEPARATOR)
    return head if separator and _SIGNATURE.match(last) else text


def drop_reader_call(text: str, tree: Any) -> str:
    """The text without a last line that points the reader elsewhere (READER_CALL_MAX_WORDS): a call
    to follow a link, subscribe or read on, which templates put below the story inside its container."""
    head, separator, last = text.rpartition(PARAGRAPH_SEPARATOR)
    if not separator or PARAGRAPH_SEPARATOR not in head or tree is None:
        return text  # two lines or fewer: the last one is as likely the story
    if word_count(last) > READER_CALL_MAX_WORDS or _QUOTATION.search(last):
        return text
    if not (_READER.search(last) or _FORMAL_READER.search(last)):
        return text
    return head if _in_linked_block(last, tree) else text


def drop_offer_box(text: str, tree: Any) -> str:
    """The text without a subscription offer's box at its end (thirty-first pass: JungeWelt's "2 Wochen kostenlos
    testen", a label, a line of the paper's own politics and the offer, over a button to its trial subscription):
    the last lines that are paragraphs of a box of at most OFFER_BOX_MAX_CHARACTERS, holding a link to a
    subscription page, whose last paragraph is the text's last line and speaks to the reader of an offer."""
    _, separator, last = text.rpartition(PARAGRAPH_SEPARATOR)
    if not separator or tree is None or not _OFFER_WORD.search(last):
        return text  # the cheap test first: most stories end with no offer's word
    if not (_READER.search(last) or _FORMAL_READER.search(last)):
        return text
    box = _offer_box_paragraphs(last, tree)
    lines = text.split(PARAGRAPH_SEPARATOR)
    end = len(lines)
    while end > 1 and len(lines) - end < OFFER_BOX_MAX_LINES and lines[end - 1] in box:
        end -= 1
    if box.intersection(lines[:end]):
        return text  # a box with a line the text keeps is the story's own container
    kept, dropped = PARAGRAPH_SEPARATOR.join(lines[:end]), PARAGRAPH_SEPARATOR.join(lines[end:])
    return kept if word_count(dropped) < word_count(kept) else text  # a short story is no box of its own


def _offer_box_paragraphs(last: str, tree: Any) -> set[str]:
    """The texts of the `<p>` of the box whose last `<p>` is the line, when the box (the line's parent or an
    ancestor up to OFFER_BOX_MAX_DEPTH above it) links to a subscription page; else none."""
    matches = 0
    for count, paragraph in enumerate(tree.iter("p")):
        if count == OFFER_BOX_MAX_PARAGRAPHS_READ or matches == OFFER_LINE_MAX_MATCHES:
            break
        if normalized_line(bounded_text(paragraph, len(last) + OFFER_LINE_SLACK) or "") != last:
            continue
        matches += 1  # each match reads its ancestors, which may hold the page's empty elements
        for depth, box in enumerate(paragraph.iterancestors()):
            if depth == OFFER_BOX_MAX_DEPTH or bounded_text(box, OFFER_BOX_MAX_CHARACTERS) is None:
                break
            if any(_is_offer_button(link) for link in box.iter("a")):
                return _box_lines(box, paragraph)
    return set()


def _is_offer_button(link: Any) -> bool:
    """A link to a subscription page beside the box's paragraphs: one inside a `<p>` is a line's own words (a
    story's last paragraph, wrapped in a block of its own, that links to the offer it reports; review)."""
    if not _SUBSCRIPTION_LINK.search(link.get("href") or ""):
        return False
    return not any(ancestor.tag == "p" for ancestor in link.iterancestors())


def _box_lines(box: Any, last: Any) -> set[str]:
    paragraphs = list(box.iter("p"))
    if paragraphs[-1] is not last or len(paragraphs) > OFFER_BOX_MAX_LINES:
        return set()  # the story's own container, or a block of its lines
    return {normalized_line("".join(paragraph.itertext())) for paragraph in paragraphs}  # inline tags join words


def _in_linked_block(line: str, tree: Any) -> bool:
    """Whether the page shows the line as a block of its own (its text, give or take a few
    characters) that holds a link or a button, or sits inside one."""
    for node in tree.xpath(TEXT_HOLDING, probe=line.split(" ", 1)[0]):
        block = node.getparent()
        while block is not None and block.tag not in _LINE_BLOCKS:
            block = block.getparent()
        if block is None:
            continue
        shown = " ".join(" ".join(block.itertext()).split())
        if shown.startswith(line[:40]) and len(shown) <= len(line) + 10:
            return next(block.iter("a", "button"), None) is not None or any(
                ancestor.tag in ("a", "button") for ancestor in block.iterancestors()
            )
    return False


def drop_unconfirmed_tail(text: str, second_opinion: str | None) -> str:
    """The text without the block of lines at its end that a second extraction of the page lacks.

    trafilatura's container often ends with what the page adds after the story (an appeal to
    support the paper, a paywall or account notice, "This is a breaking story - more to follow");
    readability-lxml stops at the story's last paragraph.
    """
    if not second_opinion:
        return text
    confirmed = set(word_tokens(second_opinion))
    lines = text.split(PARAGRAPH_SEPARATOR)
    end = len(lines)
    while end > 0 and not _is_confirmed(lines[end - 1], confirmed):
        end -= 1
    end = _past_announced_items(lines, end, second_opinion)
    if end == len(lines) or token_f1(text, second_opinion) < TAIL_MIN_AGREEMENT:
        return text  # the agreement (the costly part) only when there is something to cut
    return _cut(text, lines, end)


def drop_linked_tail(text: str, tree: Any) -> str:
    """The text without a run of other stories' teasers at its end: linked headlines (see
    LINKED_MIN_LINES), each maybe with its summary below it, or whole cards inside one link."""
    lines = text.split(PARAGRAPH_SEPARATOR)
    if len(lines) <= LINKED_MIN_LINES:
        return text
    cards = card_texts(tree)
    if not cards and any(word_count(line) > LINKED_LINE_MAX_WORDS for line in lines[-LINKED_MIN_LINES:]):
        return text  # the page's links are read only when the last lines are short enough to be teasers
    run = _Teasers(tree, cards)
    end = len(lines)
    while end > 0 and run.takes(lines, end - 1):
        end -= 1
    if run.linked < LINKED_MIN_LINES or 0 < run.summaries < MIN_SUMMARIES:
        return text
    if end > 0 and _is_heading(lines[end - 1]):
        end -= 1  # "Other Opinion Columns", the run's own heading
    return _cut(text, lines, end, CARDS_MAX_SHARE if run.carded else TAIL_MAX_SHARE)


class _Teasers:
    """Walks a text's lines up from its end while they are teasers: a line that is one link's text
    (a headline), the summary right below such a line, or a line inside a link that wraps a card."""

    def __init__(self, tree: Any, cards: list[str]) -> None:
        self.tree, self.cards = tree, cards
        self.anchors: list[str] | None = None  # read on the first short line: most texts end in long ones
        self.linked = self.carded = self.summaries = 0

    def takes(self, lines: list[str], index: int) -> bool:
        line = lines[index]
        if self._is_teaser_line(line):
            self.linked += 1
            return True
        above = lines[index - 1] if index > 0 else ""
        if word_count(line) <= SUMMARY_MAX_WORDS and self._is_teaser_line(above):
            self.summaries += 1
            return True
        return False

    def _is_teaser_line(self, line: str) -> bool:
        folded = " ".join(word_tokens(line))
        if word_count(line) <= LINKED_LINE_MAX_WORDS:
            if self.anchors is None:
                self.anchors = link_texts(self.tree)
            if _is_linked(folded, self.anchors):
                return True
        if len(folded) >= CARD_LINE_MIN_CHARACTERS and any(folded in card for card in self.cards):
            self.carded += 1
            return True
        return False


def link_texts(tree: Any) -> list[str]:
    """The texts of the page's links of LINK_MIN_WORDS words or more, as casefolded word tokens.

    A jump link into the page itself (`href="#section"`, a table of contents) is left out: its text is the
    story's own subheading, and the paragraph under that subheading is no teaser's summary (twenty-seventh
    pass: a guide's last sections were cut). "#" alone is a script's link and counts."""
    texts = (
        " ".join(word_tokens(" ".join(anchor.itertext())))
        for anchor in tree.iterfind(".//a")
        if not _is_jump_link(anchor.get("href"))
    )
    return [text for text in texts if text.count(" ") >= LINK_MIN_WORDS - 1]


def _is_jump_link(href: str | None) -> bool:
    """Whether a link's target is a place in the page itself ("#section"), not another page: a single-page
    app's route ("#!/news/story", "#/news/story") is another page."""
    target = (href or "").strip()
    return len(target) > 1 and target.startswith("#") and target[1] not in "!/"


def card_texts(tree: Any) -> list[str]:
    """The texts of the page's links with a paragraph or a block as a child (teaser cards), as casefolded
    word tokens; found by one XPath, since most pages have none."""
    cards = tree.xpath("//a[p or div or h2 or h3 or h4 or article]")
    return [" ".join(word_tokens(" ".join(card.itertext()))) for card in cards]


def _is_linked(folded: str, anchors: list[str]) -> bool:
    share = LINKED_LINE_SHARE * len(folded)
    return bool(folded) and any(anchor in folded and len(anchor) >= share for anchor in anchors)


def _is_heading(line: str) -> bool:
    return 0 < word_count(line) <= HEADING_MAX_WORDS and not line.rstrip().endswith((".", "!", "?", ":", "\u201d", '"'))


def _past_announced_items(lines: list[str], end: int, second_opinion: str) -> int:
    """`end` moved past the list items from it on when the line above their list is a lead-in the second opinion has
    ("The ferry will stop at three towns:" over "- Kiel"): readability-lxml leaves out a list of few words and
    keeps what announces it, so the items are the story's, as in `refine.drop_unconfirmed_lines` (thirty-third
    pass, text). A box of other stories' links under such a heading is `drop_linked_tail`'s, which runs next."""
    if end == 0 or end == len(lines) or not lines[end].startswith(LIST_ITEM_MARK):
        return end  # the cheap test first: most unconfirmed tails open with no list item
    start = end  # the list's first items may be confirmed by words the story has elsewhere ("- Kiel"): its top
    while start > 0 and lines[start - 1].startswith(LIST_ITEM_MARK):
        start -= 1
    if start == 0 or not LeadIns(second_opinion).opens_list(lines, start - 1):
        return end
    while end < len(lines) and lines[end].startswith(LIST_ITEM_MARK):
        end += 1
    return end


def _is_confirmed(line: str, confirmed: set[str]) -> bool:
    tokens = word_tokens(line)
    return not tokens or sum(token in confirmed for token in tokens) >= TAIL_MAX_COVERED * len(tokens)


def _cut(text: str, lines: list[str], end: int, max_share: float = TAIL_MAX_SHARE) -> str:
    """The first `end` lines, unless that is nothing, everything, or drops over `max_share` of the words."""
    if end in (0, len(lines)):
        return text
    kept = PARAGRAPH_SEPARATOR.join(lines[:end])
    if word_count(text) - word_count(kept) > max_share * word_count(text):
        return text
    return kept
