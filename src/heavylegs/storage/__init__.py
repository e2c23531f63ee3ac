"""The only package that talks SQL: schema, migrations and idempotent saves."""

from heavylegs.storage.db import open_database

__all__ = ["open_database"]
