"""Lead-in lines of a story's lists, for `refine.drop_unconfirmed_lines` (thirty-second pass, text, and its review).

readability-lxml leaves out a list of few words, so the items of a story's list ("The council set four conditions:"
over "- safety", "- crew") are short lines the second opinion lacks. They stay when the line over them ends in a
colon and is a line of the second opinion itself: readability kept the lead-in and left out only what it announces.
Its words alone do not tell (review of the thirty-second pass): a box's heading ("More on the ferry:", "Neueste 5
Beiträge:") is made of words the story has too, and readability leaves it out with its items.
"""

from __future__ import annotations

LIST_ITEM_MARK = "- "  # trafilatura writes a list's item as "- item"
LEAD_IN_ENDS = (":", "：")  # noqa: RUF001 (the fullwidth colon is the point)
MAX_LEAD_INS_READ = 20
"""The first MAX_LEAD_INS_READ lead-in lines over an item are looked for in the second opinion, each a search of
its text: a text of 50,000 such lines costs as much as one of twenty."""


class LeadIns:
    """The lead-in lines over a list that the second opinion has as they are (spaces aside)."""

    def __init__(self, second_opinion: str) -> None:
        self.second_opinion = second_opinion
        self.flat: str | None = None  # the second opinion's words, one space apart: made at the first lead-in
        self.read = 0

    def opens_list(self, lines: list[str], index: int) -> bool:
        """Whether lines[index] is a lead-in line over a list's item that the second opinion has."""
        line, below = lines[index], lines[index + 1] if index + 1 < len(lines) else ""
        if not line.endswith(LEAD_IN_ENDS) or line.startswith(LIST_ITEM_MARK) or not below.startswith(LIST_ITEM_MARK):
            return False
        if self.read == MAX_LEAD_INS_READ:
            return False
        self.read += 1
        if self.flat is None:
            self.flat = " ".join(self.second_opinion.split())
        return " ".join(line.split()) in self.flat
