"""Imported by the extraction pool's forkserver, and by nothing else: it loads, once, what every
worker would otherwise load for itself (the language model: ~0.9 s and ~74 MiB). Workers fork
from the server with it loaded, so they start in milliseconds and share its pages.

The one module in newsflow that does work at import time; that is its whole purpose.
"""

from __future__ import annotations

from newsflow.extract import prepare_extractor

prepare_extractor()
