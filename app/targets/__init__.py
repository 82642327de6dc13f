"""Targets (chỉ tiêu): the pages to set, revise and withdraw them, and the
dashboard's panel that judges each against its actual (``views``)."""
