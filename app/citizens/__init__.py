"""Citizens: national-portal accounts opened with help, and citizen feedback."""
