"""Households in at-source waste sorting, villages and supplies: the command
line here (``cli``)."""
