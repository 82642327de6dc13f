"""Trust in history: the hash chain's checks and signed checkpoints, the
log's export and replay, backup and restore (CONTRACT.md, ``audit``,
``backup``, ``restore``)."""
