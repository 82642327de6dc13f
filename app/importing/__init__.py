"""Importing CSV files (CONTRACT.md formats): the shared reader
(``csvfile``), one module per format (``procedures``, ``dossiers``), the
``import`` commands (``cli``) and the upload page (``views``)."""

from __future__ import annotations


class ImportInterrupted(Exception):
    """The file's one transaction collided with a concurrent write: nothing of
    the file is recorded."""
