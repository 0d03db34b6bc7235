"""No change to warehouse/views/ ships without a migration, so an older newsflow refuses a newer one's
warehouse instead of replacing its views (Local 20, docs/security.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from newsflow.errors import WarehouseError
from newsflow.warehouse import Warehouse, schema, sql_root, viewprint


def _copy_of_the_sql(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(sql_root(), root)
    shutil.copy(sql_root() / viewprint.FINGERPRINTS, root / viewprint.FINGERPRINTS)
    return root


def _change_a_view(root: Path) -> None:
    view = root / "views" / "daily_volume.sql"
    view.write_text(view.read_text(encoding="utf-8") + "\n-- a change to the view\n", encoding="utf-8")


def test_the_views_are_recorded_under_the_newest_migration_that_changed_them() -> None:
    """Fails when warehouse/views/ changed without a new migration recorded with it: its message says what to do."""
    assert viewprint.mismatch(sql_root()) is None


def test_a_views_change_without_a_migration_is_caught_and_recorded_with_one(tmp_path: Path) -> None:
    root = _copy_of_the_sql(tmp_path, "sql")
    newest = viewprint.migration_numbers(root)[-1]
    _change_a_view(root)
    said = viewprint.mismatch(root)
    assert said is not None and f"since migration {newest:04d} recorded them" in said
    assert f"{newest + 1:04d}_views_<what>.sql" in said
    with pytest.raises(ValueError, match=f"migration {newest:04d} has other views recorded"):
        viewprint.record_views(root)  # the views a migration shipped with are not overwritten unasked
    (root / "migrations" / f"{newest + 1:04d}_views_changed.sql").write_text("-- the view changed\n", encoding="utf-8")
    assert f"migration {newest + 1:04d} is not in" in (viewprint.mismatch(root) or "")
    assert "recorded the views under migration" in viewprint.record_views(root)
    assert viewprint.mismatch(root) is None
    assert {n: d for n, d in viewprint.recorded(root).items() if n <= newest} == viewprint.recorded(sql_root())
    (root / "migrations" / f"{newest + 2:04d}_a_table.sql").write_text("CREATE TABLE t (x INT);\n", encoding="utf-8")
    assert f"migration {newest + 2:04d} is not in" in (viewprint.mismatch(root) or "")  # every migration recorded
    viewprint.record_views(root)
    assert viewprint.recorded(root)[newest + 2] == viewprint.recorded(root)[newest + 1]
    _change_a_view(root)  # after merging another branch's views change into an unreleased migration
    with pytest.raises(ValueError, match="--replace"):
        viewprint.record_views(root)
    viewprint.record_views(root, replace=True)  # the lead's one step
    assert viewprint.mismatch(root) is None
    assert "nothing to do" in viewprint.record_views(root)


def test_the_check_command_exits_1_saying_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy_of_the_sql(tmp_path, "sql")
    monkeypatch.setattr(viewprint, "sql_root", lambda: root)
    assert viewprint.main([]) == 0
    _change_a_view(root)
    assert viewprint.main(["check"]) == 1
    assert "add a migration" in capsys.readouterr().err


def test_an_older_newsflow_refuses_a_warehouse_whose_views_are_newer(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The older newsflow has every migration but the views' own (0087), and older views: without 0087 it found
    no migration it lacked and replaced the newer views with its own."""
    newer = sql_root()
    older = _copy_of_the_sql(tmp_path, "older")
    (older / "migrations" / "0087_views_versioned.sql").unlink()  # its only difference: it predates the views' own
    _change_a_view(older)
    store = Warehouse(tmp_path / "w" / "news.duckdb")
    with store.writing():
        pass
    digest = schema.views_digest(list((newer / "views").glob("*.sql")))
    monkeypatch.setattr(schema, "sql_root", lambda: older)
    with duckdb.connect(str(store.path)) as con, pytest.raises(
            WarehouseError, match=r"migrated by a newer newsflow .*'0087_views_versioned'"):
        schema.migrate(con)  # what the older newsflow's first write does
    with duckdb.connect(str(store.path), read_only=True) as con:
        assert con.execute("SELECT sha256 FROM schema_views").fetchall() == [(digest,)]
        view = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'daily_volume'").fetchall()[0][0]
        assert "a change to the view" not in view
