"""The write side: aggregates, their events, and the Ledger application.

Nothing here imports Flask or the projections.
"""
