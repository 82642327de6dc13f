"""The period report (CONTRACT.md): built from the projections (``period``),
written as a document (``document``, with the leaders' texts from
``narrative``) in HTML or Word (``files``, ``word``), printed by the
``report`` command (``cli``) and served by the pages (``views``)."""
