"""`python -m bench.opml_import [--sizes 10000,40000]`: `feeds import` time against the number of outlines.

Issue 12 measured 47.7 s for 40,000 outlines, quadratic in making feed names unique. This times
`import_opml` (parse, name, validate, write) on OPML with N outlines, in two shapes: every title
distinct, and every title the same (the worst case for unique names: `the-news`, `the-news-2`, ...).
The baseline, measured in the same run, is parsing the same OPML alone (`parse_opml`). Linear
import keeps import/parse flat as N grows and the time ratio between sizes near the size ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from newsflow.opml import import_opml, parse_opml

CONFIG = '# bench config\n[[feeds]]\nname = "first"\nurl = "https://first.example/feed"\n'


def opml(count: int, same_title: bool) -> bytes:
    outlines = "".join(
        f'<outline text="{"The News" if same_title else f"Outlet {n}"}" xmlUrl="https://o{n}.example/feed.xml"/>'
        for n in range(count)
    )
    return f'<opml version="2.0"><body>{outlines}</body></opml>'.encode()


def timed(count: int, same_title: bool) -> tuple[float, float]:
    """(seconds to parse, seconds to import) for one OPML document."""
    document = opml(count, same_title)
    started = time.perf_counter()
    parse_opml(document)
    parsed = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        config_path = Path(folder) / "newsflow.toml"
        config_path.write_text(CONFIG, encoding="utf-8")
        started = time.perf_counter()
        summary = import_opml(config_path, document)
        imported = time.perf_counter() - started
    assert len(summary.added) == count
    return parsed, imported


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.opml_import", description=__doc__)
    parser.add_argument("--sizes", default="10000,40000", help="comma-separated outline counts")
    sizes = [int(n) for n in parser.parse_args(argv).sizes.split(",")]
    print(f"{'shape':<12} {'outlines':>9} {'parse s':>8} {'import s':>9} {'import/parse':>13} {'vs smallest':>12}")
    for same_title in (False, True):
        first: float | None = None
        for count in sizes:
            parsed, imported = timed(count, same_title)
            first = first or imported
            shape = "same title" if same_title else "distinct"
            print(f"{shape:<12} {count:>9,} {parsed:>8.2f} {imported:>9.2f} {imported / parsed:>13.1f} "
                  f"{imported / first:>11.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
