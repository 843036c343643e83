"""Benchmarks for Rebound (not tests): each prints a table and writes bench/results/<name>.json.

Run ``python -m bench`` (everything, small sizes) or name some (``python -m bench latency``);
add ``--full`` for the README's sizes. Every number is compared with a baseline measured in
the same run, never with a fixed time.
"""
