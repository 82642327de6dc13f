"""Named domain errors. Each carries the form field it concerns and a message
in Vietnamese, which the web layer shows next to that field."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused a command; nothing was recorded."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class NotFound(DomainError):
    """The command names something the log does not hold."""


class AlreadyExists(DomainError):
    """The command would create something the log already holds."""


class InvalidTransition(DomainError):
    """The command makes no sense in the current state."""


class InvalidValue(DomainError):
    """A value is out of range or contradicts another value."""


class NoActor(DomainError):
    """Every event needs an actor; none was set for this command."""


class NotPermitted(DomainError):
    """The acting user may not give this command, whatever page or script
    asked for it."""
