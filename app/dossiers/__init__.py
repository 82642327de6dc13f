"""The dossier stream at the one-stop counter: its pages (``views``) and the
step forms with the table of steps a dossier may take (``steps``)."""
