"""The read side: projections own their tables and are fed from the log by
one engine; ``queries`` is the only module pages read through."""
