"""Migration 0108's story map (`newsflow.warehouse.rekeys`): every story its re-keying renames or merges, resolved to
its final story in one map, then applied by one statement per table.

A story named after a re-keyed article takes the article's new id (two such stories of one new URL are then one);
a merged-away copy's story is merged into its survivor's. The edges are resolved as a union-find over the few
stories they name (renames first, so a renamed id never stays a story), so chains (a renamed story then merged) and
cycles (two groups merging each other's stories) end at one story each."""

from __future__ import annotations

import duckdb

STORY_TABLES = ("story_map_0108",)


def story_map(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """`story_map_0108` (story_id, merged_into, bridging_article_id, run_id): each story that stops being one, its
    final story and the article that joined them; built from `group_0108` before any row is rewritten."""
    renames = con.execute("""
        SELECT g.old_id, g.new_id, g.new_id FROM group_0108 g
        WHERE g.old_id <> g.new_id AND g.story_id = g.old_id ORDER BY g.survives DESC, g.old_id""").fetchall()
    merges = con.execute("""
        SELECT d.story_id, s.story_id, s.new_id FROM group_0108 d
        JOIN group_0108 s ON s.new_id = d.new_id AND s.survives
        WHERE NOT d.survives AND d.story_id IS NOT NULL AND s.story_id IS NOT NULL
        ORDER BY d.old_id""").fetchall()
    parent: dict[str, str] = {}
    bridge: dict[str, str] = {}

    def final(story: str) -> str:
        while story in parent:
            story = parent[story]
        return story

    for old, new, article in [*renames, *merges]:
        retired, kept = final(old), final(new)
        if retired != kept:
            parent[retired], bridge[retired] = kept, article
    mapped = {story: final(story) for story in parent}
    con.execute("CREATE TEMP TABLE story_map_0108 (story_id VARCHAR, merged_into VARCHAR, "
                "bridging_article_id VARCHAR, run_id VARCHAR)")
    con.execute("INSERT INTO story_map_0108 SELECT unnest($old), unnest($new), unnest($bridge), $run",
                {"old": list(mapped), "new": list(mapped.values()), "bridge": [bridge[s] for s in mapped],
                 "run": run_id})


def apply_story_map(con: duckdb.DuckDBPyConnection) -> None:
    """One UPDATE per table naming a story, joined on the map; an earlier merge into a retired story now points at
    its final one; one INSERT records the map in `story_merges`."""
    for table in ("articles", "story_signatures", "story_lines"):
        con.execute(f"UPDATE {table} SET story_id = m.merged_into FROM story_map_0108 m "
                    f"WHERE {table}.story_id = m.story_id")
    con.execute("UPDATE story_merges SET merged_into = m.merged_into FROM story_map_0108 m "
                "WHERE story_merges.merged_into = m.story_id")
    con.execute("INSERT INTO story_merges SELECT story_id, merged_into, bridging_article_id, now(), run_id "
                "FROM story_map_0108 ON CONFLICT DO NOTHING")
