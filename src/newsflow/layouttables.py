"""Layout tables in trafilatura's output: a story set in a `<table>` for layout is paragraphs again.

Old and Asian news CMSs (a forum, a Hindi paper's archive, a club's site) set the whole page in a
`<table>`: the navigation in one cell, the story in the next, tables nested in cells. trafilatura
keeps such a table as a table, and its text renders every row as one line ("| menu | headline story
… |"), so a story's paragraphs became one line with the menu beside it and "| |" lines around it.
A demanding reader wants the story's paragraphs one a line and the empty cells gone, and a real data
table (a results table, a list of figures) kept as rows.

`unlay_tables` rewrites trafilatura's body in place (`newsflow.extract` renders its text again): each
layout table is replaced by its cells' content as blocks, a cell's loose text and inline elements a
paragraph, its own paragraphs, headings and lists as they were, empty cells dropped. A table is for
layout when (`is_layout_table`):

- it has no heading cell (`<th>`: a list of figures, a product table with a long description), and
- no row has two cells with text (one cell, or one column: nothing is set beside anything), or
- it has one row and every cell is a few sentences (columns of text side by side), or
- its longest cell is prose (PROSE_CELL_WORDS words and PROSE_CELL_SENTENCES sentences) holding at
  least half of the table's words: the story beside the site's menu, unless another row sets two text
  cells that are no menu side by side (`_is_grid_row`: a results table with a long note row).

A menu bar (`is_menu_bar`: one row of MENU_BAR_CELLS labels or more, at most one with a digit) goes whole
unless it stands between two of the story's sentences (a lineup), and so does such a row of a layout table.
A data table's cells are short and many (the longest cell of 40 data tables on the blind set's tune half
holds 62 words and at most 38% of its table's words), so it keeps its rows. A table inside a layout
table is judged on its own. In a layout table, a cell that is a menu or a toolbar (`is_menu_cell`: two
labels or more, no sentence) goes; any other short cell becomes a line of its own, for the line rules
after (`newsflow.furniture`, `newsflow.refine`) to judge as on any page. Measurements:
docs/extraction.md, "Twenty-fifth pass, text".
"""

from __future__ import annotations

import re
from typing import Any

from newsflow.text import word_count

PROSE_CELL_WORDS = 50
PROSE_CELL_SENTENCES = 2
COLUMN_WORDS = 25
"""A cell is prose with this many words (a CJK character counts as one: `newsflow.text.word_count`)
and this many sentence ends: a data table's longest cells are phrases or one sentence. A table of one
row whose every cell has COLUMN_WORDS words and as many sentence ends is columns of text."""
BLOCK_TAGS = frozenset({"p", "head", "list", "quote", "code", "table", "div", "figure"})
"""trafilatura's block elements: kept as blocks when their cell is taken apart; any other child
(`hi`, `ref`, `lb`, `graphic`, `del`) is inline and joins the cell's loose text in a paragraph."""
# a full stop before a space or the end ("Nr. 5" is none); CJK's and Devanagari's ends need no space
_SENTENCE_END = re.compile(r"[\u3002\uff01\uff1f\u0964]|[.!?][\"')\u00bb\u201d\u2019\u300d]*(?:\s|$)")
_PIECE_SEPARATOR = re.compile(r"\n|\s[|\u00bb\u00b7\u2022]\s|\uff5c")  # a fullwidth bar: CJK toolbars
MENU_LABEL_WORDS = 3
MENU_LABEL_CHARS = 20
"""A menu's or a toolbar's labels are this short ("Home", "Reply | Quote | Report"), in words apart by
spaces and in characters (a CJK label has no spaces)."""
MENU_BAR_CELLS = 5
"""A table of one row with this many labels is a menu bar (a scoreline or a row of a few figures has fewer)."""
MENU_CELLS_RECORDS = 3
"""A layout table has a menu cell or two (its menu, a toolbar, an author's box); this many cells of labels in one
table are a list's records ("District 1 / Anna Schmidt (Lab)", one a row), kept as lines."""
_HAS_TEXT = re.compile(r"\w")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


def unlay_tables(body: Any) -> bool:
    """Replace, in place, every layout table of trafilatura's `body` by its cells' blocks; whether any was."""
    if body is None:
        return False
    changed = False
    beside = _SentencesBeside()
    for table in list(body.iter("table")):  # outer first; an inner table is judged once moved out
        if table.getparent() is None:
            continue
        if is_menu_bar(table) and not (beside(table, preceding=True) and beside(table, preceding=False)):
            _replace(table, [])
            changed = True
        elif is_layout_table(table):
            _replace(table, [block for cell in _content_cells(table) for block in _cell_blocks(cell)])
            changed = True
    return changed


def is_layout_table(table: Any) -> bool:
    """Whether nothing in the table is set beside anything, or its longest cell is the story."""
    rows = [[cell for cell in row.iterchildren("cell") if _has_text(cell)] for row in table.iterchildren("row")]
    if any(cell.get("role") == "head" for cells in rows for cell in cells):
        return False  # headed columns are data, a long description among them too; a layout has none
    if all(len(cells) <= 1 for cells in rows):
        return True
    if len(rows) == 1 and all(_is_prose(_cell_text(cell), COLUMN_WORDS) for cell in rows[0]):
        return True  # columns of text side by side, as a paper sets a story
    sizes = [(word_count(_cell_text(cell)), cell) for cells in rows for cell in cells]
    longest, cell = max(sizes, key=lambda size: size[0])
    if 2 * longest < sum(size for size, _ in sizes) or not _is_prose(_cell_text(cell)):
        return False
    return not any(_is_grid_row(row, cell) for row in table.iterchildren("row"))


def _is_grid_row(row: Any, story: Any) -> bool:
    """Whether a row beside the story's sets two text cells side by side that are no menu: a data table's row
    (a results table with a long note, a table of profiles or quotes with one long cell); a layout table's
    other rows are its logo, its menus and its footer, one cell each or a menu row."""
    if story.getparent() is row or _is_menu_row(row):
        return False
    return sum(1 for cell in row.iterchildren("cell") if _has_text(cell) and not is_menu_cell(cell)) >= 2


def is_menu_bar(table: Any) -> bool:
    """Whether the table is a site's menu bar: one row that is a menu (`_is_menu_row`)."""
    rows = list(table.iterchildren("row"))
    return len(rows) == 1 and _is_menu_row(rows[0])


class _SentencesBeside:
    """Whether a sentence stands in a paragraph before (or after) a menu bar, among its siblings and its ancestors'
    siblings below `body`: before and after, the bar stands inside the story (a lineup, a row of captions); a site's
    menu bar stands above or below it. Each node's answer is kept for one `unlay_tables`: a run of n bars walked each
    other's rows, n² (quad39: 1,000 bars between two of the story's paragraphs, 2.2 s). The answers stay true while
    tables are replaced: they are read by tables after the ones whose walks kept them, in document order, and each is
    about what lies before a node's start or after its end, where no later table is (an inner table moved out stands
    where its outer one stood). tests/test_layouttables_quad39.py checks them against a fresh walk a table."""

    def __init__(self) -> None:
        self._beside: dict[bool, dict[Any, bool]] = {True: {}, False: {}}
        self._holds: dict[bool, dict[Any, bool]] = {True: {}, False: {}}  # one a direction: a node passed going
        # forward may hold a table replaced before a later walk comes back to it

    def __call__(self, table: Any, preceding: bool) -> bool:
        known, walked, node, answer = self._beside[preceding], [], table, False
        while node is not None and node.tag != "body":
            if node in known:
                answer = known[node]
                break
            walked.append(node)
            step = next(node.itersiblings(preceding=preceding), None)
            if step is not None and self._holds_memo(step, preceding):
                answer = True
                break
            node = step if step is not None else node.getparent()
        for node in walked:  # each node on the way has the answer of the node after it
            known[node] = answer
        return answer

    def _holds_memo(self, node: Any, preceding: bool) -> bool:
        holds = self._holds[preceding]
        if node not in holds:
            holds[node] = _holds_sentence(node)
        return holds[node]


def _holds_sentence(node: Any) -> bool:
    return any(_SENTENCE_END.search(_cell_text(paragraph)) for paragraph in node.iter("p"))


def _is_menu_row(row: Any) -> bool:
    """MENU_BAR_CELLS or more cells with text, each a label, none a heading ("| Home | \\| | Markets | \\| | …",
    "| 本城市首頁 | 討論區 | 精華區 | …")."""
    cells = list(row.iterchildren("cell"))
    if any(cell.get("role") == "head" for cell in cells):
        return False
    labels = [_cell_text(cell) for cell in cells if _has_text(cell)]
    if sum(1 for text in labels if _DIGIT.search(text)) > 1:
        return False  # labelled figures ("Mon 12°C", "CDU 31%"): a forecast, vote shares; a menu's labels are words
    return len(labels) >= MENU_BAR_CELLS and all(_is_label(text) and not _SENTENCE_END.search(text) for text in labels)


def _is_prose(text: str, least_words: int = PROSE_CELL_WORDS) -> bool:
    return word_count(text) >= least_words and len(_SENTENCE_END.findall(text)) >= PROSE_CELL_SENTENCES


def _content_cells(table: Any) -> list[Any]:
    """The table's cells with text, in reading order (row by row); what stands outside a row comes as is."""
    cells: list[Any] = []
    own = [cell for row in table.iterchildren("row") for cell in row.iterchildren("cell")]
    # cells of labels row after row are a list's records (districts and names), no menu
    records = sum(1 for cell in own if is_menu_cell(cell)) >= MENU_CELLS_RECORDS
    for child in table:
        if child.tag == "row" and not _is_menu_row(child):  # a layout table's row of links: the site's menu
            cells.extend(cell for cell in child.iterchildren("cell")
                         if _has_text(cell) and (records or not is_menu_cell(cell)))
        elif child.tag != "row" and _has_text(child):
            cells.append(child)
    return cells


def is_menu_cell(cell: Any) -> bool:
    """Whether a layout table's cell is a menu or a toolbar: two or more labels (apart by line breaks,
    blocks or " | ") of at most MENU_LABEL_WORDS words, and no sentence."""
    text = "".join(_text_with_breaks(cell))
    if _SENTENCE_END.search(text):
        return False
    labels = [label for label in _PIECE_SEPARATOR.split(text) if _HAS_TEXT.search(label)]
    return len(labels) >= 2 and all(_is_label(label.strip()) for label in labels)


def _is_label(text: str) -> bool:
    """A few words with a letter: a figure ("316", "2.9") is a data table's cell, never a menu's label."""
    return len(text.split()) <= MENU_LABEL_WORDS and len(text) <= MENU_LABEL_CHARS and _LETTER.search(text) is not None


def _text_with_breaks(element: Any) -> list[str]:
    """The element's text, a line break at each `<lb/>` and around each block."""
    parts = [element.text or ""]
    for child in element:
        block = child.tag in BLOCK_TAGS or child.tag == "lb"
        parts.extend(["\n", *_text_with_breaks(child), "\n"] if block else _text_with_breaks(child))
        parts.append(child.tail or "")
    return parts


def _cell_blocks(cell: Any) -> list[Any]:
    """A cell's content as blocks: its block children as they are, each run of loose text and inline
    elements between them one paragraph."""
    if cell.tag != "cell":
        return [cell]
    blocks: list[Any] = []
    run = _paragraph(cell, cell.text)
    for child in list(cell):
        if child.tag in BLOCK_TAGS:
            _keep_if_text(run, blocks)
            run = _paragraph(cell, child.tail)
            child.tail = None
            blocks.append(child)
        else:
            run.append(child)  # moves the inline element with its tail
    _keep_if_text(run, blocks)
    return blocks


def _paragraph(cell: Any, text: str | None) -> Any:
    paragraph = cell.makeelement("p", {})
    paragraph.text = text
    return paragraph


def _keep_if_text(paragraph: Any, blocks: list[Any]) -> None:
    if _has_text(paragraph):
        blocks.append(paragraph)


def _replace(table: Any, blocks: list[Any]) -> None:
    """Put the blocks where the table stood; the table's tail (white space between blocks) after them."""
    parent = table.getparent()
    position = parent.index(table)
    for offset, block in enumerate(blocks):
        parent.insert(position + offset, block)
    tail = table.tail
    parent.remove(table)
    if tail and tail.strip():
        if blocks:
            blocks[-1].tail = (blocks[-1].tail or "") + tail
        else:
            previous = parent[position - 1] if position > 0 else None
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail


def _cell_text(cell: Any) -> str:
    return " ".join("".join(cell.itertext()).split())


def _has_text(element: Any) -> bool:
    return _HAS_TEXT.search("".join(element.itertext())) is not None
