"""The dashboard: the counter's tallies for a period, kept live by htmx."""
