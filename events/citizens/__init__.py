"""The supporting streams of citizens: national public-service portal
accounts opened with a clerk's help, and citizen feedback (phản ánh, kiến
nghị). Each rule lives in one module: the values (``values``), the keyed
hash of an ID number (``identity``), the feedback's deadline and how it
stands on a day (``answering``)."""

from events.citizens.accounts import PortalAccount
from events.citizens.feedback import Feedback
from events.citizens.values import CHANNEL_NAMES, CHANNELS

__all__ = ["CHANNELS", "CHANNEL_NAMES", "Feedback", "PortalAccount"]
