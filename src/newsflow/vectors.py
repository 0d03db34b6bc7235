"""Arrays of numbers: the only module that imports numpy.

Three stages need vector arithmetic, and each calls the few functions here that it needs:

- story signatures (`stories`, `stories_slots`): 32-bit shingle hashes, the MinHash permutations
  and minima, band keys folded through a 64-bit mixer, number slots as sorted 64-bit values;
- the language model (`langmodel`): py3langid's automaton indexed by byte class, and the model's
  arrays mapped read-only from a file;
- the search index writer (`warehouse.search_writes`): the columns of new postings, handed to
  DuckDB as arrays it scans instead of Python lists it converts.

Callers hold the arrays as the aliases below and never name numpy themselves, so a change of
numpy (or its removal from a stage) touches this module only.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]
U32s = npt.NDArray[np.uint32]
U64s = npt.NDArray[np.uint64]
Int64s = npt.NDArray[np.int64]
Strings = npt.NDArray[np.object_]

_U64 = np.uint64
_U32 = np.uint32
_H = TypeVar("_H", np.uint32, np.uint64)
_MIX_CONSTANTS = {4: (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16), 8: (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33)}

# --- MinHash (stories) ----------------------------------------------------------------------------


def shingle_hashes(tokens: Sequence[str], shingle_words: int) -> U32s:
    """The distinct 32-bit hashes of the runs of `shingle_words` tokens.

    Each token is hashed once (crc32), and the runs are combined and mixed as vectors: hashing
    every shingle string with a cryptographic hash took 5x as long (docs/stories.md).
    """
    count = len(tokens) - shingle_words + 1
    if count < 1:
        return np.zeros(0, dtype=np.uint32)
    # map() keeps the per-token loop in C: a generator expression cost ~2x as much here.
    token_hashes = np.fromiter(map(zlib.crc32, map(str.encode, tokens)), dtype=_U64, count=len(tokens))
    combined = np.zeros(count, dtype=_U64)
    for offset in range(shingle_words):
        combined = (combined ^ token_hashes[offset : offset + count]) * _U64(0x9E3779B97F4A7C15)
    return np.unique((mix(combined) >> _U64(32)).astype(np.uint32))


def mix(values: npt.NDArray[_H]) -> npt.NDArray[_H]:
    """The MurmurHash3 finaliser, 32- or 64-bit by dtype: spreads every input bit over the output."""
    s1, m1, s2, m2, s3 = (values.dtype.type(c) for c in _MIX_CONSTANTS[values.dtype.itemsize])
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[U32s, U32s]:
    """datasketch's draw of the maps h -> a * h + b (mod 2^32); `a` is odd, so each is a bijection."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * _U32(2) + _U32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash_bytes(shingles: U32s, num_perm: int, seed: int) -> bytes:
    """datasketch's `affine32` MinHash values of the shingle hashes, as little-endian uint32 bytes."""
    a, b = _permutations(num_perm, seed)
    # uint32 arithmetic wraps, which is the mod 2^32; `initial` is datasketch's empty value.
    values: U32s = (np.multiply.outer(mix(shingles), a) + b).min(axis=0, initial=_U32(0xFFFFFFFF))
    return values.astype("<u4").tobytes()


def u32s_in(buffer: bytes, count: int, offset: int) -> U32s:
    """`count` little-endian uint32 values of `buffer` from `offset`, without a copy."""
    return np.frombuffer(buffer, dtype="<u4", count=count, offset=offset)


def u64s_in(buffer: bytes, count: int, offset: int) -> U64s:
    """`count` little-endian uint64 values of `buffer` from `offset`, as native uint64."""
    return np.frombuffer(buffer, dtype="<u8", count=count, offset=offset).astype(np.uint64)


def equal_count(first: Array, second: Array) -> int:
    """How many positions hold the same value in both arrays."""
    return int(np.count_nonzero(first == second))


def band_hashes(values: U32s, bands: int, rows: int) -> list[int]:
    """One unsigned 64-bit hash per band of `rows` values: each band's rows folded through the
    64-bit mixer, all bands at once (a blake2b call per band took 1.4x as long)."""
    table = values[: bands * rows].reshape(bands, rows).astype(_U64)
    keys = np.zeros(bands, dtype=_U64)
    for column in table.T:
        keys = mix(keys ^ column)
    hashes: list[int] = keys.tolist()
    return hashes


def sorted_u64s(values: Iterable[int]) -> U64s:
    """The values, sorted, as uint64."""
    return np.array(sorted(values), dtype=np.uint64)


def u64_bytes(values: U64s) -> bytes:
    return values.astype("<u8").tobytes()


NO_U64S: U64s = np.zeros(0, dtype=np.uint64)

# --- the language model (langmodel) --------------------------------------------------------------


def automaton_columns(nextmove: Any) -> tuple[U32s, bytes]:
    """py3langid's automaton (256 uint32 transitions per row) as its distinct columns (one per class
    of bytes it never tells apart), and each byte's class as a `bytes.translate` table."""
    return byte_classes(np.frombuffer(nextmove, dtype=np.uint32).reshape(-1, 256))


def byte_classes(transitions: U32s) -> tuple[U32s, bytes]:
    """The automaton's distinct columns, and each byte's class as a `bytes.translate` table."""
    class_of: dict[bytes, int] = {}  # a digest of the column -> its class
    firsts: list[int] = []  # the first byte of each class
    table = bytearray()
    for byte in range(256):
        column = transitions[:, byte]
        known = class_of.setdefault(hashlib.sha256(column.tobytes()).digest(), len(firsts))
        if known == len(firsts):
            firsts.append(byte)
        elif not np.array_equal(transitions[:, firsts[known]], column):  # a digest collision: never seen
            raise ValueError(f"byte {byte}: its column's digest is another column's")
        table.append(known)
    return np.ascontiguousarray(transitions[:, firsts]), bytes(table)


def as_array(values: Any, dtype: Literal["uint32", "int32"] | None = None) -> Array:
    return np.asarray(values, dtype=dtype)


def row_offsets(rows: Any, columns: U32s) -> U32s:
    """Each automaton row's offset in the class-indexed table: row x the number of classes."""
    offsets: U32s = np.asarray(rows, dtype=np.uint32) * np.uint32(columns.shape[1])
    return offsets


def views(mapping: mmap.mmap, layouts: Iterable[tuple[str, tuple[int, ...], int]]) -> list[Array]:
    """Read-only arrays over the mapping, each (dtype, shape, offset) as `newsflow.modelcache`
    describes it; no copy, and no page read until one is used."""
    return [np.frombuffer(mapping, dtype=dtype, count=math.prod(shape), offset=offset).reshape(shape)
            for dtype, shape, offset in layouts]


def flat_ints(values: Array, code: Literal["I", "i"]) -> memoryview[int]:
    """A flat view indexed like an `array` (Python ints, fast in py3langid's walk), no copy."""
    return np.ascontiguousarray(values).ravel().data.cast("B").cast(code)


# --- columns for DuckDB (warehouse.search_writes) ------------------------------------------------


def int64_column(values: Iterable[int], count: int = -1) -> Int64s:
    return np.fromiter(values, dtype=np.int64, count=count)


def int64_range(start: int, stop: int) -> Int64s:
    return np.arange(start, stop, dtype=np.int64)


def int64_repeated(values: Sequence[int], times: Sequence[int]) -> Int64s:
    """Each value repeated its number of times: one per posting of a document."""
    return np.repeat(np.array(values, dtype=np.int64), times)


def string_column(values: Iterable[str]) -> Strings:
    """Python strings as a column DuckDB reads as VARCHAR."""
    listed = list(values)
    column = np.empty(len(listed), dtype=object)
    column[:] = listed
    return column
