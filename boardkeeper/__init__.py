"""Boardkeeper: the system of record for multi-agency safeguarding partnerships."""

__version__ = "0.1.0"
