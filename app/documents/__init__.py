"""The document register (sổ văn bản): its pages under ``/documents``."""
