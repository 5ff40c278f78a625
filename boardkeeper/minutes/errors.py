"""The engine's one declared error.

Everything that goes wrong with a document (empty, corrupt, encrypted,
too large, too deeply nested, not minutes at all) is raised as a
`MinutesError` with a message a person can act on. Callers catch this and
nothing else; any other exception escaping the engine is a bug.
"""


class MinutesError(Exception):
    """A document that cannot be read, with a message for the person who gave it."""
