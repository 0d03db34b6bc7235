"""`python -m bench.identity save|check FILE`: every field of every corpus page's extraction, saved or compared.

A speed change to extraction must not change what it stores. `save` extracts every real page of
../shared/corpora (the three sets with ground truth, under their own URLs, and the throughput
benchmark's pages, newspaper4k's among them, under a loopback URL) and writes every field of each
`ExtractedArticle` to FILE as JSON; `check` extracts them again with the current code and lists
every page where any field differs (exit 1), or says they are all identical (exit 0).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from bench.corpora import CORPORA, all_pages
from bench.site import corpus_pages
from newsflow.charset import decode_html
from newsflow.extract import extract_article, prepare_extractor

LOOPBACK_URL = "http://127.0.0.1/page"


def page_inputs() -> list[tuple[str, str, str]]:
    """(name, html, url) of every corpus page: the scored sets under their URLs, then the served pages."""
    named = [(f"{p.set_name}/{p.key}", p.html, p.url) for p in all_pages()]
    served = [(f"served/{p.name}", decode_html(p.html, None), LOOPBACK_URL) for p in corpus_pages()]
    return named + served


def extracted_fields(inputs: list[tuple[str, str, str]]) -> tuple[dict[str, dict[str, str] | None], float]:
    """Every field of each page's article (as repr, so datetimes and offsets compare exactly), and the CPU seconds."""
    prepare_extractor()
    fields: dict[str, dict[str, str] | None] = {}
    started = time.process_time()
    for name, html, url in inputs:
        article = extract_article(html, url)
        fields[name] = ({f.name: repr(getattr(article, f.name)) for f in dataclasses.fields(article)}
                        if article is not None else None)
    return fields, time.process_time() - started


def differences(before: dict[str, dict[str, str] | None], after: dict[str, dict[str, str] | None]) -> list[str]:
    lines = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, "missing"), after.get(name, "missing")
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            changed = [key for key in old if old[key] != new.get(key)]
            if not changed:  # only fields added since the file was saved: every field it holds is the same
                continue
            lines.append(f"{name}: " + "; ".join(f"{k}: {old[k][:80]} -> {new.get(k, '')[:80]}" for k in changed))
        else:
            lines.append(f"{name}: {str(old)[:80]} -> {str(new)[:80]}")
    return lines


def _fields(pages: dict[str, dict[str, str] | None]) -> set[str]:
    return {key for page in pages.values() if isinstance(page, dict) for key in page}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.identity", description=__doc__)
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if not CORPORA.is_dir():
        print(f"real corpora not found at {CORPORA}: nothing to compare")
        return 2
    inputs = page_inputs()
    fields, seconds = extracted_fields(inputs)
    print(f"{len(inputs)} pages extracted in {seconds:.1f} CPU s ({1000 * seconds / len(inputs):.1f} ms a page)")
    if args.action == "save":
        args.file.write_text(json.dumps(fields, indent=0, sort_keys=True))
        return 0
    saved = json.loads(args.file.read_text())
    lines = differences(saved, fields)
    print("\n".join(lines) if lines else f"identical: every field of all {len(inputs)} pages")
    if added := sorted(_fields(fields) - _fields(saved)):
        print(f"fields new since {args.file.name} (not compared): {', '.join(added)}")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
