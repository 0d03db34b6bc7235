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

The arrays are then written to an unlinked temporary file and mapped read-only (`mmap`), so the
processes that use the model share it through the page cache, and only the pages a process
reads count in its resident size: the extraction pool's forkserver, which loads the model for
its workers but never classifies, holds none of it; each worker holds what its texts touch (on
real pages, most of it). Where the file cannot be written (a full temporary folder), loading
fails with OSError, as py3langid's own unpacking does there.
"""

from __future__ import annotations

import tempfile
from array import array
from typing import Any

from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import load_model

from newsflow import vectors
from newsflow.vectors import Array, byte_classes

__all__ = ["CompactIdentifier", "byte_classes", "compact_identifier", "load_identifier"]


class CompactIdentifier(LanguageIdentifier):  # type: ignore[misc]  # py3langid has no types
    """py3langid's identifier, its automaton indexed by byte class (see the module docstring)."""

    __slots__ = ("_byte_classes",)

    _byte_classes: bytes

    def _encode(self, text: Any) -> Any:  # py3langid's _encode, then each byte as its class
        encoded = LanguageIdentifier._encode(text)
        return encoded.translate(self._byte_classes) if isinstance(encoded, bytes) else encoded


def load_identifier() -> CompactIdentifier:
    """py3langid's model as a `CompactIdentifier` with normalised probabilities, mapped from a file."""
    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    return compact_identifier(vectors.as_array(ptc), vectors.as_array(pc), classes, nextmove, row, output)


def compact_identifier(
    ptc: Array, pc: Array, classes: list[str], nextmove: Any, row: Any, output: list[int]
) -> CompactIdentifier:
    """The model (as py3langid's `load_model` returns it) made compact and mapped from a file."""
    columns, classes_by_byte = vectors.automaton_columns(nextmove)
    offsets = vectors.row_offsets(row, columns)
    with tempfile.TemporaryFile(prefix="newsflow-langid-") as backing:
        views = vectors.mapped(backing, [columns, ptc, offsets, vectors.as_array(output, "int32")])
    identifier = CompactIdentifier(views[1], pc, classes, vectors.flat_ints(views[0], "I"),
                                   vectors.flat_ints(views[3], "i"),
                                   norm_probs=True, tk_row=array("H"))  # empty: no list of row offsets built
    identifier.tk_row = row
    identifier._rowbase = vectors.flat_ints(views[2], "I")
    identifier._byte_classes = classes_by_byte
    return identifier
