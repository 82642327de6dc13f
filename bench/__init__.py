"""Throughput benchmarks of the ledger; run them with ``make bench``."""
