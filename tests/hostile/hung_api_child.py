"""`python -m tests.hostile.hung_api_child <newsflow args>`: `python -m newsflow` (newsflow.launch)
with shorter waits around the watch that ends a run whose Prefect API went silent (exit 4, one line).

The watch and its line are the subject of red team 7's frozen-API test, not the lengths of its
waits, each of which was CI time spent waiting (ci17, ci18):
- `flows.cli.HUNG_API_GRACE_S`, the time past a run's budget and `extract.timeout` that
  `newsflow run` gives a silent API: 5 s instead of 30;
- the watch's question to the API (`flows.apiwatch.QUERY_TIMEOUT_S`): 2 s instead of 10, through
  the `ApiWatch` that flows.cli starts;
- the extraction forkserver starts here, before `main`, as tests/conftest.py's
  `extraction_stack_loaded` does in-process: the run's first poll then does not wait for its
  imports, so the test's budget can be 12 s instead of 20 (its poll share must reach the held feed).
The watch reads the grace and makes its `ApiWatch` when the run starts it
(`flows.cli.watch_for_a_hung_api`), so setting them here, before `main`, is all it takes."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import flows.cli
from flows.apiwatch import ApiWatch

from newsflow.feedpool import FeedParserPool
from newsflow.launch import main

GRACE_S = 5.0
QUERY_TIMEOUT_S = 2.0


class ShortQuestionWatch(ApiWatch):
    def __init__(self, api_url: str, **watch: Any) -> None:
        super().__init__(api_url, **{**watch, "timeout_s": QUERY_TIMEOUT_S})


def start_the_forkserver() -> None:
    with FeedParserPool(1, 120.0, None) as parser:
        asyncio.run(parser.start())


if __name__ == "__main__":
    flows.cli.HUNG_API_GRACE_S = GRACE_S
    flows.cli.ApiWatch = ShortQuestionWatch  # type: ignore[attr-defined]  # the name flows.cli calls
    start_the_forkserver()
    sys.exit(main())
