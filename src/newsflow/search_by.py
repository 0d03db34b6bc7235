"""What `newsflow search --by` counts matches by (`search.search_attention`): a module of its own, so the
CLI's parser names them without importing the search stack (numpy, the analysers: ~0.2 cpu-s that every
command paid; session 37)."""

from __future__ import annotations

ATTENTION_BY = ("day", "week", "source", "language", "word")
