"""py3langid's language model, made smaller in memory and mapped from a file (the only module that
imports py3langid; `newsflow.language` uses it; its arrays are made in `newsflow.vectors`).

py3langid keeps its model as ~74 MiB of private memory in every process that loads it: a byte
automaton (`tk_nextmove`, 9.8M uint32 transitions: 256 per distinct row of 38,346), the
feature weights (`nb_ptc`, 100,053 x 142 float16), and two lists of 104,583 Python ints per
state. `compact_identifier` keeps the same numbers in less room, and classifies exactly as
py3langid does (same features, same float arithmetic: tests/test_langmodel.py compares them):

- **byte classes**: bytes that every automaton row sends to the same state are one class (197
  of 256); the rows are indexed by class, and the text is translated byte -> class
  (`bytes.translate`, in C) before py3langid's own walk, which is unchanged. 37.4 -> 28.8 MiB.
- **arrays, not lists**, for the per-state row offsets and outputs: 7.3 -> 0.8 MiB.

The arrays are then kept in a file of the user's cache folder (`newsflow.modelcache`:
`$XDG_CACHE_HOME/newsflow/` or `~/.cache/newsflow/`) and mapped read-only (`mmap`), so a later
process (every run's extraction forkserver) maps them in ~20 ms instead of unpacking py3langid's
model and compacting it again (~0.6 cpu-s). The file is keyed by py3langid's version, its model
file's size and mtime, and `FORMAT`, and is checked before use (a header of plain arrays, a
checksum); one that fails a check is rebuilt. Where the cache folder cannot be written, the
arrays go to an unlinked temporary file as before; where that fails too (a full temporary
folder), loading fails with OSError, as py3langid's own unpacking does there.

The processes that use the model share it through the page cache, and only the pages a process
reads count in its resident size: the extraction pool's forkserver, which loads the model for
its workers but never classifies, holds none of it; each worker holds what its texts touch (on
real pages, most of it).
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from pathlib import Path
from typing import Any

from py3langid import __version__
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import load_model

from newsflow import modelcache, vectors
from newsflow.vectors import byte_classes

__all__ = ["CompactIdentifier", "byte_classes", "load_identifier"]


class CompactIdentifier(LanguageIdentifier):  # type: ignore[misc]  # py3langid has no types
    """py3langid's identifier, its automaton indexed by byte class (see the module docstring)."""

    __slots__ = ("_byte_classes",)

    _byte_classes: bytes

    def _encode(self, text: Any) -> Any:  # py3langid's _encode, then each byte as its class
        encoded = LanguageIdentifier._encode(text)
        return encoded.translate(self._byte_classes) if isinstance(encoded, bytes) else encoded


FORMAT = 1
"""The layout of the arrays below and of `CompactIdentifier`'s fields: a change of either is a
new FORMAT, so no older file is read."""
NAMES = ("columns", "ptc", "pc", "offsets", "output", "rows")
_ORDER = "<" if sys.byteorder == "little" else ">"
# columns, offsets and output are read as flat ints of a fixed width (`vectors.flat_ints`).
_DTYPES = {"columns": {f"{_ORDER}u4"}, "offsets": {f"{_ORDER}u4"}, "output": {f"{_ORDER}i4"},
           "ptc": {f"{_ORDER}f2", f"{_ORDER}f4", f"{_ORDER}f8"}, "pc": {f"{_ORDER}f4", f"{_ORDER}f8"},
           "rows": {f"{_ORDER}u2", f"{_ORDER}u4"}}
_DIMENSIONS = {"columns": 2, "ptc": 2, "pc": 1, "offsets": 1, "output": 1, "rows": 1}


def load_identifier() -> CompactIdentifier:
    """py3langid's model as a `CompactIdentifier` with normalised probabilities, mapped from a
    file: the one kept in the cache folder, or built now (see the module docstring)."""
    return identifier_of(modelcache.load("langid", model_key(), build_model, is_model))


def model_key() -> dict[str, Any]:
    """What the kept file must have been built from."""
    status = (MODEL_DIR / MODEL_FILE).stat()
    return {"format": FORMAT, "py3langid": __version__, "model_size": status.st_size,
            "model_mtime_ns": status.st_mtime_ns, "builder": builder_digest()}


def builder_digest() -> str:
    """A digest of the code that builds the arrays (this module and `newsflow.vectors`): a change to it that
    forgot to bump FORMAT still makes a new file, never a kept one read with another meaning."""
    digest = hashlib.sha256()
    for module in (__file__, vectors.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:16]


def build_model() -> tuple[dict[str, Any], dict[str, Any]]:
    """py3langid's model unpacked and made compact: (metadata, arrays) for `newsflow.modelcache`."""
    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    columns, classes_by_byte = vectors.automaton_columns(nextmove)
    arrays = {"columns": columns, "ptc": vectors.as_array(ptc), "pc": vectors.as_array(pc),
              "offsets": vectors.row_offsets(row, columns), "output": vectors.as_array(output, "int32"),
              "rows": vectors.as_array(row)}
    return {"classes": classes, "byte_classes": classes_by_byte.hex()}, arrays


def is_model(stored: modelcache.Stored) -> bool:
    """Whether a file's header (its layout already checked) describes arrays this module can use."""
    arrays, meta = stored.arrays, stored.meta
    if set(arrays) != set(NAMES) or any(arrays[name].dtype not in _DTYPES[name] or
                                        len(arrays[name].shape) != _DIMENSIONS[name] for name in NAMES):
        return False
    classes, byte_classes_hex = meta.get("classes"), meta.get("byte_classes")
    if not (isinstance(classes, list) and all(isinstance(code, str) for code in classes)
            and isinstance(byte_classes_hex, str) and len(byte_classes_hex) == 512):
        return False
    try:
        table = bytes.fromhex(byte_classes_hex)  # skips whitespace: the length is checked after
    except ValueError:
        return False
    if len(table) != 256:
        return False
    width = arrays["columns"].shape[1]
    return (arrays["ptc"].shape[1] == len(classes) == arrays["pc"].shape[0] and max(table) < width
            and arrays["offsets"].shape == arrays["output"].shape == arrays["rows"].shape)


def identifier_of(stored: modelcache.Stored) -> CompactIdentifier:
    """The identifier over the mapped arrays: nothing copied, no page read."""
    columns, ptc, pc, offsets, output, rows = vectors.views(stored.mapping, [stored.arrays[name] for name in NAMES])
    identifier = CompactIdentifier(ptc, pc, list(stored.meta["classes"]), vectors.flat_ints(columns, "I"),
                                   vectors.flat_ints(output, "i"),
                                   norm_probs=True, tk_row=array("H"))  # empty: no list of row offsets built
    identifier.tk_row = rows
    identifier._rowbase = vectors.flat_ints(offsets, "I")
    identifier._byte_classes = bytes.fromhex(stored.meta["byte_classes"])
    return identifier
