"""The period report (CONTRACT.md): built from the projections (``period``),
printed by the ``report`` command (``cli``)."""
