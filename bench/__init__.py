"""Benchmarks run by `make bench` (never by the tests): each prints its figure beside its goal.

A module `bench/<area>_bench.py` exposes `run(quick: bool) -> list[Figure]`. `python -m bench`
runs them all (or those named: `python -m bench forms store`), prints one line per figure and
exits non-zero if a figure misses its goal, so a regression shows up in `make bench` output.
"""
