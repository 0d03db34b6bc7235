"""Local 24: `feeds import` against an editor saving the config, as a property over interleavings.

A real concurrent writer (its own descriptors on the real file) takes its steps at drawn points of the import: each
call the import makes to read the config, check it for a writer, parse the OPML, compare before replace, rename, or
wait, is a point before and after which the editor's next steps may run. The editor saves in place (open with
O_TRUNC, write a part, write the rest, close: nano, vim with `backupcopy=yes`), by rename (write a new file, rename
it over the config: vim's default), appends (`echo >> newsflow.toml`), or renames the config to its backup and
writes a new file at its name (emacs's default; review of Local 24). Its steps run inline at those points, so
an interleaving is drawn, never aimed by a sleep; what is left of its save runs after the import.

Invariants: the editor's save is never lost nor mixed into the import's output; the import either adds its feed to
the file as the editor left it (exit 0) or says one line and exits 1 with the file as the editor left it; no
`.partial` file is left. An editor whose save reaches the file only after the import's rename overwrites the import
with its own buffer, as any editor with a stale buffer does: the file is then its save alone.

CI runs the kept examples (each a shrunk failure, or a kind of save) only; hunt by hand with
`NEWSFLOW_EDITOR_EXAMPLES=2000 uv run pytest -n0 tests/test_local24_editor.py` and keep a shrunk failure below.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from newsflow import cli, files, opml
from newsflow.config import load_config

EXAMPLES = int(os.environ.get("NEWSFLOW_EDITOR_EXAMPLES", "0"))
PHASES = (Phase.explicit, *((Phase.generate, Phase.shrink) if EXAMPLES else ()))

ORIG = '[warehouse]\npath = "news.duckdb"\n\n[[feeds]]\nname = "cafe"\nurl = "https://cafe.example/feed.xml"\n'
TYPED = '\n[[feeds]]\nname = "typed"\nurl = "https://typed.example/feed.xml"\n'
SAVED = "# edited\n" + ORIG + TYPED  # what an editor saving whole writes: its buffer, a comment and a feed added
OUTLINE = (b'<?xml version="1.0"?><opml version="2.0"><body><outline text="more" type="rss" '
           b'xmlUrl="https://more.example/rss"/></body></opml>')
MAX_POINT = 40  # an import makes 20 points when nothing meets it; more when it tries again


class Editor:
    """One save of the config by another program, as steps on its own descriptors."""

    def __init__(self, config: Path, kind: str, cut: int) -> None:
        self.config, self.kind, self.cut = config, kind, cut
        self.handle = -1
        self.steps: list[Callable[[], None]] = {
            "in place": [self._open_truncating, self._write_first, self._write_rest, self._close],
            "rename": [self._write_new_file, self._rename_new_file],
            "append": [self._open_appending, self._append, self._close],
            "backup": [self._rename_to_backup, self._create, self._write_first, self._write_rest, self._close],
        }[kind]
        # the step after which the file at the path is no longer the one the import may have read
        self.touching_step = {"in place": 0, "rename": 1, "append": 0, "backup": 0}[kind]

    def _open_truncating(self) -> None:
        self.handle = os.open(self.config, os.O_WRONLY | os.O_TRUNC)

    def _write_first(self) -> None:
        os.write(self.handle, SAVED.encode()[:self.cut])

    def _write_rest(self) -> None:
        os.write(self.handle, SAVED.encode()[self.cut:])

    def _close(self) -> None:
        os.close(self.handle)

    def _write_new_file(self) -> None:
        (self.config.parent / "newsflow.toml~new").write_text(SAVED)

    def _rename_new_file(self) -> None:
        os.rename(self.config.parent / "newsflow.toml~new", self.config)

    def _rename_to_backup(self) -> None:
        os.rename(self.config, self.config.parent / "newsflow.toml~")

    def _create(self) -> None:
        self.handle = os.open(self.config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)

    def _open_appending(self) -> None:
        self.handle = os.open(self.config, os.O_WRONLY | os.O_APPEND)

    def _append(self) -> None:
        os.write(self.handle, TYPED.encode())


class Interleaving:
    """Runs the editor's step i when the import reaches point `points[i]`; counts the points."""

    def __init__(self, editor: Editor, points: list[int]) -> None:
        self.editor, self.points = editor, sorted(points)
        self.reached = 0
        self.done = 0
        self.renamed_at: int | None = None  # the editor's step count when the import renamed its file over the config
        self.touched_after_rename = False

    def point(self) -> None:
        self.reached += 1
        while self.done < len(self.editor.steps) and self.points[self.done] <= self.reached:
            self.step()

    def step(self) -> None:
        if self.done == self.editor.touching_step and self.renamed_at is not None:
            self.touched_after_rename = True
        self.editor.steps[self.done]()
        self.done += 1

    def finish(self) -> None:
        while self.done < len(self.editor.steps):
            self.step()

    def around(self, call: Callable[..., Any]) -> Callable[..., Any]:
        def at_points(*args: Any, **kwargs: Any) -> Any:
            self.point()
            try:
                return call(*args, **kwargs)
            finally:
                self.point()
        return at_points


def _placed(monkeypatch: pytest.MonkeyPatch, world: Interleaving, config: Path) -> None:
    for module, name in [(opml, "held_open_for_writing"), (opml, "read_config"), (opml, "parse_opml"),
                         (files, "held_open_for_writing"), (files, "_current"), (opml, "load_config")]:
        monkeypatch.setattr(module, name, world.around(getattr(module, name)))
    monkeypatch.setattr(opml, "wait_for_other_writers", lambda attempt: world.point())  # no sleep: a point
    real_replace = os.replace

    def replace(source: Any, target: Any) -> None:
        world.point()
        real_replace(source, target)
        if Path(target) == config:  # config is a real path: no lstat, no point, in between
            world.renamed_at = world.done
        world.point()
    monkeypatch.setattr(os, "replace", replace)
    real_exchange = files._exchange

    def exchange(first: Any, second: Any) -> bool:
        world.point()
        swapped = real_exchange(first, second)
        if swapped and Path(second) == config:  # config is a real path: no lstat, no point, in between
            world.renamed_at = None if world.renamed_at is not None else world.done  # the second swaps back
        world.point()
        return swapped
    monkeypatch.setattr(files, "_exchange", exchange)


def _check(config: Path, editor: Editor, world: Interleaving, code: int, out: str, err: str) -> None:
    final = config.read_text()
    names = {feed.name for feed in load_config(config).feeds}  # never a mix that is no config
    assert not list(config.parent.glob("*.partial")), "the import's new file was left behind"
    assert code in (0, 1), (code, err)
    if code == 1:  # gave up: one line, and the file as the editor left it
        assert out == "" and err.count("\n") == 1 and "import again" in err, err
        assert final == (ORIG + TYPED if editor.kind == "append" else SAVED), final
        return
    assert err == "" and out.count("added    ") == 1, (out, err)
    if editor.kind == "append":  # before or after the import's rename: both kept, the typed feed once
        assert final.startswith(ORIG) and final.count(TYPED) == 1, final
        assert names == {"cafe", "typed", "more"}, final
    elif world.touched_after_rename:  # a save over the import's file: the editor's buffer, as it saved it
        assert final == SAVED, final
    else:
        assert final.startswith(SAVED), final  # the editor's save whole, the import's feed after it
        assert names == {"cafe", "typed", "more"}, final


def _import_against(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, cut: int,
                    points: list[int]) -> None:
    folder = Path(os.path.realpath(tmp_path)) / f"w{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    config = folder / "newsflow.toml"
    config.write_text(ORIG)
    opml_file = folder / "more.opml"
    opml_file.write_bytes(OUTLINE)
    editor = Editor(config, kind, cut)
    world = Interleaving(editor, points[:len(editor.steps)])
    with pytest.MonkeyPatch.context() as monkeypatch:
        _placed(monkeypatch, world, config)
        capsys.readouterr()
        try:
            code = cli.main(["feeds", "import", str(opml_file), "--config", str(config)])
        finally:
            world.finish()
        out, err = capsys.readouterr()
    _check(config, editor, world, code, out, err)


KINDS = st.sampled_from(["in place", "rename", "append", "backup"])
CUTS = st.integers(0, len(SAVED.encode()))
POINTS = st.lists(st.integers(0, MAX_POINT), min_size=5, max_size=5)


@settings(max_examples=max(EXAMPLES, 1), phases=PHASES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=KINDS, cut=CUTS, points=POINTS)
# Kept examples. On main (cf26275f) an uncontended import's points are: 1-2 the check for a writer before the
# config is checked, 3-4 that check (load_config), 5-6 the import's check for a writer, 7-8 its read, 9-10 the OPML's
# parse, 11-12 the compare, 13-14 the check for a writer before the replace, 15-16 the rename. Each of the first five
# failed there (shrunk by the hunt, or placed in the window it found); the branch adds points 15-20 (the exchange and
# the check after it), and the last two place a save within them.
@example(kind="in place", cut=10, points=[0, 0, 14, 14])  # held past the first check's tries, cut mid-line: exit 2
@example(kind="in place", cut=10, points=[6, 6, 9, 9])  # opened between the import's check and its read: exit 2
@example(kind="in place", cut=0, points=[14, 14, 14, 14])  # a whole save in place after the last check: lost
@example(kind="rename", cut=0, points=[0, 14, 40, 40])  # a save renamed in after the last check: replaced, lost
@example(kind="append", cut=0, points=[14, 14, 14, 40])  # an append after the last check: into the replaced file
@example(kind="in place", cut=40, points=[14, 16, 18, 20])  # opened before the exchange, written after it
@example(kind="in place", cut=66, points=[6, 6, 8, 8])  # read mid-save, valid TOML, a feed cut before its url
@example(kind="rename", cut=0, points=[0, 16, 40, 40])  # renamed in after the exchange: the editor's save is last
# Review: the two below make the failed read's wait necessary (the ones above let the editor finish during the very
# read made again, so dropping the wait still passed): opened between the first check and load_config; opened
# between the import's check and its read, finishing only after the next try's check. Both exit 2 on main.
@example(kind="in place", cut=10, points=[2, 2, 8, 8])
@example(kind="in place", cut=10, points=[6, 6, 12, 12])
# Review: emacs's save (rename the config to its backup, then write a new file) between the import's load and its
# lock, and between its compare and its exchange: `No such file or directory`, exit 1, not a try made again.
@example(kind="backup", cut=0, points=[4, 5, 5, 5, 5])
@example(kind="backup", cut=0, points=[12, 15, 15, 15, 15])
@example(kind="backup", cut=0, points=[6, 12, 12, 12, 12])  # renamed away between the lock and the read
@example(kind="backup", cut=0, points=[15, 20, 20, 20, 20])  # renamed away the instant before the exchange
def test_an_editors_save_at_any_point_of_an_import_is_kept_whole(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, cut: int, points: list[int]) -> None:
    # An emacs save that renamed the config away before the import loaded it: no config to import into, exit 2.
    assume(kind != "backup" or min(points[:5]) >= 4)
    _import_against(tmp_path, capsys, kind, cut, points)
