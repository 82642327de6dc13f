"""Importing CSV files (CONTRACT.md formats): the shared reader
(``csvfile``), one module per format (``procedures``, ``dossiers``), the
``import`` commands (``cli``) and the upload page (``views``)."""

from __future__ import annotations


class ImportInterrupted(Exception):
    """A batch collided with a concurrent write; earlier batches stay recorded."""
