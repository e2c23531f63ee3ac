"""fastfit: a FIT decoder at native speed (docstring with measurements to come)."""

from .api import RECORD_COLUMNS, FitResult, decode
from .native import set_engine

__all__ = ["RECORD_COLUMNS", "FitResult", "decode", "set_engine"]
