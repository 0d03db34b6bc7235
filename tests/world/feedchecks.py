"""World16's check on feeds whose type or links change between runs (content.FEED_FAULTS).

An item the world lists under RSS, then Atom, JSON Feed or RDF (each giving it its own kind of GUID, RDF
none), or with its link spelled another way while its GUID stays, is one item: one entry of its feed.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from tests.world import content, invariants
from tests.world.invariants import Violation

if TYPE_CHECKING:
    from tests.world.driver import RunRecord, WorldDriver

_ITEM_PATH = re.compile(r"/a/(\d+)/(\d+)(?:[?#]|$)")


def one_entry_per_item(driver: WorldDriver, record: RunRecord) -> list[Violation]:
    world = driver.world
    judged = {world.feed_id(j): j for j in range(world.spec.feeds)
              if content.content_fault(world.spec, j) in content.FEED_FAULTS}
    if not judged:
        return []
    rows = invariants.query(driver.warehouse_path, "SELECT feed_id, url FROM entries")
    counts = Counter((str(feed), match.groups()) for feed, url in rows
                     if str(feed) in judged and (match := _ITEM_PATH.search(str(url))))
    twice = sorted(f"{feed} item {index}: {n} entries" for (feed, (_, index)), n in counts.items() if n > 1)
    return [Violation(record.index, "one_entry_per_item", "; ".join(twice[:5]))] if twice else []
