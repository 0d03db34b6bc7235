"""Quad 39: `unlay_tables` keeps each node's answer to "a sentence before / after it" for one body, so a run of n menu
bars is walked once, not n times (docs/security.md, "Quad 39"). The kept answers must be the ones a fresh walk gives
while tables are replaced around them: generated bodies in trafilatura's markup (menu bars in and out of the story,
layout tables holding both, tails, paragraphs around a table) are unlaid by `unlay_tables` and by the rule walked
afresh for each table (`_unlaid_afresh`, the form before quad39), and must come out the same."""

from __future__ import annotations

from typing import Any

import lxml.etree
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import layouttables
from newsflow.layouttables import is_layout_table, is_menu_bar, unlay_tables

MENU = "<table><row>" + "".join(f"<cell>{label}</cell>" for label in
                                ("Home", "Markets", "Sports", "Culture", "Travel")) + "</row></table>"


def _sentence_beside_afresh(table: Any, preceding: bool) -> bool:
    node = table
    while node is not None and node.tag != "body":
        for sibling in node.itersiblings(preceding=preceding):
            if layouttables._holds_sentence(sibling):
                return True
        node = node.getparent()
    return False


def _unlaid_afresh(body: Any) -> None:
    for table in list(body.iter("table")):
        if table.getparent() is None:
            continue
        if is_menu_bar(table) and not (_sentence_beside_afresh(table, True) and _sentence_beside_afresh(table, False)):
            layouttables._replace(table, [])
        elif is_layout_table(table):
            cells = layouttables._content_cells(table)
            layouttables._replace(table, [block for cell in cells for block in layouttables._cell_blocks(cell)])


TAILS = st.sampled_from(["", "", " tail words", " Loose sentence here. "])
LEAVES = st.sampled_from([
    "<p>The council met today. </p>", "<p>label</p>", MENU, "<hi>bold</hi>", "Loose text ends here. ",
    "<table><row><cell>Name</cell><cell>12</cell></row><row><cell>Other</cell><cell>14</cell></row></table>",
])


def _nodes(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    def wrap(kind: str, inner: list[str], tail: str) -> str:
        joined = "".join(inner)
        return {"div": f"<div>{joined}</div>", "p": f"<p>{joined}</p>",
                "layout": f"<table><row><cell>{joined}</cell></row></table>",
                "beside": f"<table><row><cell>Home | News</cell><cell>{joined}</cell></row></table>"}[kind] + tail
    return st.builds(wrap, st.sampled_from(["div", "p", "layout", "beside"]), children, TAILS)


BODIES = st.recursive(st.lists(LEAVES, max_size=6), lambda inner: st.lists(st.one_of(LEAVES, _nodes(inner)),
                                                                            max_size=6), max_leaves=30)


@settings(max_examples=150, deadline=None)
@example(["<p>The council met today. </p>", MENU, MENU, MENU, "<p>label</p>", MENU, "<p>It ended. </p>"])
@example(["<p>The council met today. </p>", MENU, "<table><row><cell>A loose sentence. " + MENU + "</cell></row>"
          "</table>", MENU, "<p>It ended. </p>"])
@given(BODIES)
def test_kept_answers_unlay_as_a_fresh_walk_for_each_table_does(children: list[str]) -> None:
    markup = f"<body>{''.join(children)}</body>"
    kept, afresh = lxml.etree.fromstring(markup), lxml.etree.fromstring(markup)
    unlay_tables(kept)
    _unlaid_afresh(afresh)
    assert lxml.etree.tostring(kept) == lxml.etree.tostring(afresh), markup
