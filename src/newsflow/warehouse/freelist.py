"""The warehouse's last block in use, read from DuckDB's own free list (Local 28).

`compat.refuse_a_file_cut_short` compares the blocks in use with the whole blocks the file holds, so a cut of fewer
blocks than the file has free (free blocks inside the file, the last one in use cut off) was not seen at open.
Which blocks are free is in the file: the newer of its two database headers (at 4 and 8 KiB: an iteration, the
catalog's and the free list's pointers, the block count) points at the free list, a count and the free blocks'
numbers in DuckDB's metadata blocks (64 parts of a block, each led by the pointer to the next part). DuckDB reads
that list itself at every open; this reads it again, a few KiB, so the open's cost does not grow with the
warehouse (each table's `pragma_storage_info` did: 4.5x an open's CPU at 250 MB). Read off DuckDB 2.0.1's files
(`tests/test_local28.py` fails if a DuckDB ever lays them out otherwise), and read before DuckDB opens the file:
closing any descriptor of a file drops every fcntl lock this process holds on it, DuckDB's among them, so nothing
here opens the file while DuckDB holds it. What is read is only a screen: believed when it agrees with what DuckDB
says of the file it opened (`pragma_database_size`'s block count and free blocks), and a cut it finds confirmed
under DuckDB's lock by DuckDB's own metadata (`compat.refuse_a_file_cut_short`), so a layout this does not know, or
a checkpoint by another process between the read and the open, never refuses a whole file.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from newsflow.warehouse import heldfiles

HEADER = 4096
BLOCKS_START = 3 * HEADER  # a main header and two database headers, then the blocks
_CHECKSUM = 8  # each block, and each database header, begins with its checksum
_METADATA_PARTS = 64
_NEXT = 8  # each part of a metadata block begins with the pointer to the next part
_NO_POINTER = 0xFFFF_FFFF_FFFF_FFFF
_MOST_BLOCKS = 1 << 32  # 1 PiB of 256 KiB blocks: a count past it is not a header DuckDB wrote
_MOST_FREE = 1 << 20  # 256 GiB of free 256 KiB blocks: a longer list is not read (8 MiB), the check is off
# iteration, catalog pointer, free list pointer, block count, block size (after its checksum)
_DATABASE_HEADER = struct.Struct("<5Q")


@dataclass(frozen=True)
class FreeList:
    block_size: int
    block_count: int
    free: frozenset[int]

    def agrees(self, block_size: int, block_count: int, free_blocks: int) -> bool:
        """Whether DuckDB says the same of the file it opened (`pragma_database_size`)."""
        return (self.block_size, self.block_count, len(self.free)) == (block_size, block_count, free_blocks)

    def last_in_use(self) -> int:
        last = self.block_count - 1
        while last in self.free:
            last -= 1
        return last


def read_free_list(path: Path) -> FreeList | None:
    """The newer database header's block count and block size, and the free list it points at; None when the file
    does not read as DuckDB 2.0.1 lays it out. Read through `heldfiles`, so a connection of this process
    keeps DuckDB's lock."""
    try:
        return heldfiles.read_header(path, _read)
    except (OSError, OverflowError, struct.error):
        return None


def _read(fd: int) -> FreeList | None:
    headers = [_DATABASE_HEADER.unpack(os.pread(fd, _DATABASE_HEADER.size, at + _CHECKSUM))
               for at in (HEADER, 2 * HEADER)]
    _, _, pointer, count, size = max(headers)  # the newer iteration is the one DuckDB opens
    if not 0 < count < _MOST_BLOCKS or not 4096 <= size <= 1 << 30 or size & (size - 1):
        return None
    free = frozenset() if pointer == _NO_POINTER else _free_blocks(fd, pointer, size, count)
    return None if free is None else FreeList(size, count, free)


def _free_blocks(fd: int, pointer: int, block_size: int, block_count: int) -> frozenset[int] | None:
    """A count, then that many 8-byte block numbers, across as many metadata parts as they take."""
    part_size = ((block_size - _CHECKSUM) // _METADATA_PARTS) // 8 * 8
    data = bytearray()
    wanted = 8
    seen: set[int] = set()
    while len(data) < wanted:
        if pointer == _NO_POINTER or pointer in seen:  # a damaged chain that runs out, or in a circle
            return None
        seen.add(pointer)
        block, part = pointer & ((1 << 56) - 1), pointer >> 56
        if block >= block_count or part >= _METADATA_PARTS:
            return None
        read = os.pread(fd, part_size, BLOCKS_START + block * block_size + _CHECKSUM + part * part_size)
        if len(read) != part_size:  # the list past the file's end: DuckDB's open fails first
            return None
        pointer = struct.unpack_from("<Q", read)[0]
        data += read[_NEXT:]
        if wanted == 8 and len(data) >= 8:
            listed = struct.unpack_from("<Q", data)[0]
            if listed > min(block_count, _MOST_FREE):
                return None
            wanted = 8 * (1 + listed)
    numbers = struct.unpack_from(f"<{wanted // 8 - 1}q", data, 8)
    free = frozenset(numbers)
    if len(free) != len(numbers) or not all(0 <= n < block_count for n in free):
        return None
    return free
