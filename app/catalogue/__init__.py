"""The procedure catalogue: its pages (``views``) and the QR codes printed
beside a procedure or a dossier (``qr``)."""
