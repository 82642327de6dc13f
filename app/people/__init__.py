"""People and log-in: accounts and their passwords (``credentials``), server-side
sessions, who may do what (``permissions``), which commune a page shows
(``scope``), the log-in pages (``auth``), a user's own account, user
administration (``admin``) and the ``users`` command."""
