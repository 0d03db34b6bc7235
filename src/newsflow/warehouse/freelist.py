"""The warehouse's last block in use, read from DuckDB's own free list (Local 28).

`compat.refuse_a_file_cut_short` compares the blocks in use with the whole blocks the file holds, so a cut of fewer
blocks than the file has free (free blocks inside the file, the last one in use cut off) was not seen at open.
Which blocks are free is in the file: the newer of its two database headers (at 4 and 8 KiB: an iteration, the
catalog's and the free list's pointers, the block count) points at the free list, a count and the free blocks'
numbers in DuckDB's metadata blocks (64 parts of a block, each led by the pointer to the next part). DuckDB reads
that list itself at every open; this reads it again, a few KiB, so the open's cost does not grow with the
warehouse (each table's `pragma_storage_info` did: 4.5x an open's CPU at 250 MB). Read off DuckDB 2.0.1's files
(`tests/test_local28.py` fails if a DuckDB ever lays them out otherwise); what is read is believed only when it
agrees with what DuckDB says of the open file (`pragma_database_size`'s block count and free blocks), so a layout
this does not know turns the check off, never refuses a whole file.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

HEADER = 4096
BLOCKS_START = 3 * HEADER  # a main header and two database headers, then the blocks
_CHECKSUM = 8  # each block, and each database header, begins with its checksum
_METADATA_PARTS = 64
_NEXT = 8  # each part of a metadata block begins with the pointer to the next part
_NO_POINTER = 0xFFFF_FFFF_FFFF_FFFF
# iteration, catalog pointer, free list pointer, block count, block size (with its checksum)
_DATABASE_HEADER = struct.Struct("<5Q")


def last_block_in_use(path: Path, block_size: int, total_blocks: int, free_blocks: int) -> int | None:
    """The highest block number in use in `path`, or None when the file does not read as DuckDB 2.0.1 lays it out
    (or as DuckDB says it is: `total_blocks` and `free_blocks` are `pragma_database_size`'s)."""
    try:
        with open(path, "rb") as handle:
            return _last_in_use(handle.fileno(), block_size, total_blocks, free_blocks)
    except (OSError, struct.error):
        return None


def _last_in_use(fd: int, block_size: int, total_blocks: int, free_blocks: int) -> int | None:
    headers = [_DATABASE_HEADER.unpack(os.pread(fd, _DATABASE_HEADER.size, at + _CHECKSUM))
               for at in (HEADER, 2 * HEADER)]
    _, _, free_list, count, size = max(headers)  # the newer iteration is the one DuckDB opened
    if count != total_blocks or size != block_size:
        return None
    free = _free_list(fd, free_list, block_size, free_blocks) if free_blocks else set()
    if free is None:
        return None
    last = total_blocks - 1
    while last in free:
        last -= 1
    return last


def _free_list(fd: int, pointer: int, block_size: int, expected: int) -> set[int] | None:
    """The free blocks' numbers: a count, then that many 8-byte numbers, across as many metadata parts as it takes."""
    part_size = ((block_size - _CHECKSUM) // _METADATA_PARTS) // 8 * 8
    wanted = 8 * (1 + expected)
    data = bytearray()
    while len(data) < wanted:
        if pointer == _NO_POINTER:
            return None
        block, part = pointer & ((1 << 56) - 1), pointer >> 56
        at = BLOCKS_START + block * block_size + _CHECKSUM + part * part_size
        read = os.pread(fd, part_size, at)
        if len(read) != part_size:  # the list itself past the file's end: DuckDB's open fails first
            return None
        pointer = struct.unpack_from("<Q", read)[0]
        data += read[_NEXT:]
    count, *numbers = struct.unpack_from(f"<Q{expected}q", data)
    free = set(numbers)
    if count != expected or len(free) != expected or not all(0 <= n < 1 << 56 for n in free):
        return None
    return free
