"""`newsflow spool-convert`: spool files that newsflow 0.1 pickled, turned into today's format once.

newsflow 0.1 wrote each spooled load as a pickle (spool format 1). Loading a pickle can run any
code, so a run never loads one: it moves it to `failed/` of its spool folder with a line naming
this command. A user who trusts those files (they were written by their own runs) converts them
here: each is read by an unpickler that builds only newsflow's data classes, enums, datetimes and
paths (anything else is refused, so even here a planted file runs nothing), written back into the
spool folder under its old name (so it keeps its place in the order) as JSON, and loaded by the
next run, exactly once like any spool file. See docs/concurrency.md.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import importlib
import io
import logging
import pathlib
import pickle

from newsflow import spoolfolders
from newsflow.spool import Spool, SpooledLoad, SpoolFileError, dump_load, spool_of
from newsflow.warehouse import Warehouse

log = logging.getLogger(__name__)

# Where format 1's classes lived; nothing else is imported while reading a pickle.
DATA_MODULES = frozenset({"newsflow.spool", "newsflow.models", "newsflow.polls", "newsflow.pipeline",
                          "newsflow.extractworker", "newsflow.config"})
PLAIN_CLASSES = {("datetime", "datetime"): datetime.datetime, ("datetime", "date"): datetime.date,
                 ("datetime", "timezone"): datetime.timezone, ("datetime", "timedelta"): datetime.timedelta,
                 ("pathlib", "PosixPath"): pathlib.PosixPath, ("pathlib", "Path"): pathlib.Path}


class DataOnlyUnpickler(pickle.Unpickler):
    """Builds newsflow's dataclasses and enums and a few plain classes; refuses every other global."""

    def find_class(self, module: str, name: str) -> type:
        plain = PLAIN_CLASSES.get((module, name))
        if plain is not None:
            return plain
        if module in DATA_MODULES:
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"it asks for {module}.{name}, which is not newsflow data")


def read_legacy(content: bytes) -> SpooledLoad:
    try:
        load = DataOnlyUnpickler(io.BytesIO(content)).load()
    except Exception as exc:  # torn, foreign or refused: many kinds
        raise SpoolFileError(f"cannot convert: {type(exc).__name__}: {exc}") from exc
    if not isinstance(load, SpooledLoad):
        raise SpoolFileError("cannot convert: it is not a spooled load")
    return load


def convert_legacy(store: Warehouse) -> tuple[int, list[str]]:
    """Convert the pickled files in the spool folder and its failed/, and in an older version's folder (0.1's
    `news.spool/`), each in its own folder: which warehouse loads them is the replay's to tell (spoolfolders);
    returns (converted, problems)."""
    converted, problems = 0, list[str]()
    with store.run_lock("spool-convert"):  # no run replays the folder meanwhile
        legacy = spoolfolders.legacy_dir_for(store.path)
        for spool in [spool_of(store), *([Spool(legacy)] if legacy is not None else [])]:
            done, failed = _convert_folder(spool)
            converted, problems = converted + done, problems + failed
    return converted, problems


def _convert_folder(spool: Spool) -> tuple[int, list[str]]:
    converted, problems = 0, list[str]()
    candidates = sorted(spool.directory.glob("*.spool")) + sorted((spool.directory / "failed").glob("*.spool"))
    for path in candidates:
        content = path.read_bytes()
        if content[:1] != b"\x80":
            continue
        try:
            load = read_legacy(content)
            spool.write_named(path.name, dump_load(load))
        except (SpoolFileError, TypeError, ValueError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        if path.parent != spool.directory:
            path.unlink()
        converted += 1
        log.info("converted %s", path.name)
    return converted, problems
