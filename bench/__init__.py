"""Benchmarks (`make bench`). Figures go to docs/benchmarks.md; never timed assertions in tests."""
