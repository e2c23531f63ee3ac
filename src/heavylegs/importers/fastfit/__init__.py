"""fastfit: a FIT decoder at native speed (docstring with measurements to come)."""

from .api import RECORD_COLUMNS, FitResult, decode

__all__ = ["RECORD_COLUMNS", "FitResult", "decode"]
