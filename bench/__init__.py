"""newsflow's benchmark suite (issue #6): `uv run python -m bench` (or `--quick` for the CI smoke mode).

Every figure is printed beside a baseline measured in the same run, because the machine is shared
and noisy: the ratios are the result, the absolute times only context. Method and the latest
figures: docs/performance.md.
"""
