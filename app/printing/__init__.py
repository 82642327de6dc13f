"""The printed forms: what a dossier's events and the book's rows say
(``story``) and the pages that print them (``views``)."""
