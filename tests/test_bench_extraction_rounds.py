"""bench/extraction.py's cost rows (speed44): the figure is each page's cheaper time of the rounds, on each side,
and every round's ratio of its two whole passes is printed beside it (the first as before, each later one too)."""

from __future__ import annotations

import pytest
from bench.corpora import CorpusPage
from bench.extraction import PageResult, add_cost_rows
from bench.report import Table


def _result(newsflow: float, alone: float) -> PageResult:
    page = CorpusPage(set_name="fundus", key="k", html="<html></html>", url="https://example.org/a")
    return PageResult(page, None, newsflow, alone)


def test_every_rounds_pass_ratio_is_a_row_and_the_figure_is_the_pages_minimums() -> None:
    table = Table("t")
    add_cost_rows(table, [_result(0.012, 0.010), _result(0.024, 0.020)], [1.06, 1.28, 1.10])
    rows = {row.name: row for row in table.rows}
    assert rows["newsflow extract_article"].value == pytest.approx(18.0)  # (12 + 24) / 2 ms a page: minimums
    assert rows["newsflow extract_article"].ratio == pytest.approx(1.2)
    assert rows["newsflow / trafilatura alone, first round only"].value == 1.06
    assert rows["newsflow / trafilatura alone, round 2's passes only"].value == 1.28
    assert rows["newsflow / trafilatura alone, round 3's passes only"].value == 1.10
    assert "3 round(s)" in rows["trafilatura alone (baseline)"].note


def test_one_round_prints_no_later_rounds() -> None:
    table = Table("t")
    add_cost_rows(table, [_result(0.012, 0.010)], [1.2])
    assert not [row for row in table.rows if "passes only" in row.name]
