"""Which views each schema version has: a record that keeps a change to the views from shipping without a
migration.

`migrate` recreates the views whenever their SQL differs from the digest stored in `schema_views`. Were the
views changed without a new migration, an older newsflow meeting a newer one's warehouse would find no
migration it lacks (so `compat.refuse_a_newer_schema` would let it in) and would replace the newer views with
its own: two installs on one warehouse, or a downgrade, would get silently different views. So each change to
`warehouse/views/` comes with a numbered migration (a no-op one when no table changes), and
`warehouse/views_fingerprints.txt` records, for each migration from 0087 on, the digest of the views it ships
with; `tests/test_viewprint.py` fails while the newest migration is unrecorded or recorded with other views.

    uv run python -m newsflow.warehouse.viewprint          # check: exit 1 saying what to do on a mismatch
    uv run python -m newsflow.warehouse.viewprint record   # record the views under the newest migration
    uv run python -m newsflow.warehouse.viewprint record --replace   # re-record it (not released yet only)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsflow.warehouse.schema import sql_root, views_digest

FINGERPRINTS = "views_fingerprints.txt"
_HEADER = ("# The digest of warehouse/views/*.sql (newsflow.warehouse.schema.views_digest) that each migration\n"
           "# from 0087 on ships with; written by `uv run python -m newsflow.warehouse.viewprint record`.\n")


def migration_numbers(root: Path) -> list[int]:
    return sorted(int(p.name[:4]) for p in (root / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))


def recorded(root: Path) -> dict[int, str]:
    """The record: migration number -> digest of the views as of that migration."""
    path = root / FINGERPRINTS
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    pairs = [line.split() for line in lines if line.strip() and not line.startswith("#")]
    return {int(number): digest for number, digest in pairs}


def mismatch(root: Path) -> str | None:
    """Why the views and the record disagree, with what to do; None when the newest migration is recorded with
    these views. Every migration from 0087 on is recorded, so an unrecorded one is new (not released yet)."""
    newest = migration_numbers(root)[-1]
    record = recorded(root)
    if unknown := sorted(set(record) - set(migration_numbers(root))):
        return f"{FINGERPRINTS} records migration {unknown[0]:04d}, which warehouse/migrations/ does not hold"
    digest = views_digest(list((root / "views").glob("*.sql")))
    if newest not in record:
        return (f"migration {newest:04d} is not in {FINGERPRINTS}: run `uv run python -m newsflow.warehouse.viewprint "
                "record` to record the views it ships with")
    if record[newest] == digest:
        return None
    return (f"warehouse/views/ changed since migration {newest:04d} recorded them: an older newsflow would replace "
            f"these views on a warehouse this one wrote; add a migration (warehouse/migrations/{newest + 1:04d}_views_"
            "<what>.sql; a comment alone will do when no table changes), then run `uv run python -m "
            "newsflow.warehouse.viewprint record`")


def record_views(root: Path, replace: bool = False) -> str:
    """Record the views' digest under the newest migration; refuse to overwrite another digest recorded
    there unless `replace` (a migration not released yet, re-recorded after merging)."""
    newest = migration_numbers(root)[-1]
    record = recorded(root)
    digest = views_digest(list((root / "views").glob("*.sql")))
    if record.get(newest) == digest:
        return f"the views are recorded already under migration {newest:04d}; nothing to do"
    if newest in record and not replace:
        raise ValueError(f"migration {newest:04d} has other views recorded: add a new migration for this change, "
                         f"or, if {newest:04d} is not released yet, run again with --replace")
    record[newest] = digest
    text = _HEADER + "".join(f"{number:04d} {record[number]}\n" for number in sorted(record))
    (root / FINGERPRINTS).write_text(text, encoding="utf-8")
    return f"recorded the views under migration {newest:04d} in {root / FINGERPRINTS}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsflow.warehouse.viewprint", description=__doc__.split("\n")[0])
    parser.add_argument("action", nargs="?", choices=["check", "record"], default="check")
    parser.add_argument("--replace", action="store_true", help="re-record the newest migration (not released yet)")
    args = parser.parse_args(argv)
    root = sql_root()
    try:
        if args.action == "record":
            said = record_views(root, args.replace)
        else:
            said = mismatch(root) or "the views match the record"
    except ValueError as exc:
        print(f"viewprint: {exc}", file=sys.stderr)
        return 1
    failed = args.action == "check" and mismatch(root) is not None
    print(said, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
