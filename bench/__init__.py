"""Benchmarks for Rebound (not tests): each prints a table and writes bench/results/<name>.json.

Run ``python -m bench`` (everything), ``python -m bench scheduling`` or ``python -m bench
updates``; add ``--quick`` for small sizes. Every number is compared with a baseline measured in
the same run, never with a fixed time.
"""
