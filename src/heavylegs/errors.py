"""The one exception tree of heavylegs.

::

    HeavyLegsError                 anything heavylegs raises on purpose
    ├── ImportFailed(path, reason) a file could not be imported
    │   ├── UnsupportedFormat      not a format heavylegs reads
    │   └── CorruptFile(offset)    the format is known but the bytes are broken
    ├── InvalidInput(field, value, accepted)
    │                              a value a user gave is out of range or malformed
    ├── StorageError               the workspace database cannot be used
    └── NotEnoughData              the question cannot be answered from what is stored

Every message is written for a runner, not a programmer: it names the file, line or
field, what is wrong, and what is accepted. The CLI prints ``error: <message>`` and never
a traceback (unless ``--debug``).
"""

from __future__ import annotations


class HeavyLegsError(Exception):
    """Base of every error heavylegs raises on purpose."""


class ImportFailed(HeavyLegsError):
    """A file could not be imported; ``path`` names it and ``reason`` says why."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NotAnActivity(ImportFailed):
    """A readable file that holds no activity by design (a FIT settings, monitoring or
    device file, as Garmin exports carry by the hundred): skipped, not an error."""


class UnsupportedFormat(ImportFailed):
    """The file is not in a format heavylegs reads."""


class CorruptFile(ImportFailed):
    """The file's format is known but its bytes are broken at ``offset`` (if known)."""

    def __init__(self, path: str, reason: str, offset: int | None = None) -> None:
        self.offset = offset
        where = f" at byte {offset}" if offset is not None else ""
        super().__init__(path, f"{reason}{where}")


class InvalidInput(HeavyLegsError):
    """A value given by the user is malformed or out of range."""

    def __init__(self, field: str, value: object, accepted: str, where: str = "") -> None:
        self.field = field
        self.value = value
        self.accepted = accepted
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{field}={value!r} is not valid (accepted: {accepted})")


class StorageError(HeavyLegsError):
    """The workspace database cannot be opened, migrated or written."""


class NotEnoughData(HeavyLegsError):
    """The workspace holds too little data to answer."""
