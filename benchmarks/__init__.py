"""Benchmarks: each figure measured with its baseline in the same run.

``python -m benchmarks`` runs them all and prints one table (``--quick`` for smaller
sizes); see ``benchmarks/README.md`` for the numbers of the machine they were run on.
Only loopback addresses are used, and every loop and wait is bounded.
"""
