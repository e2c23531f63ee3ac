"""heavylegs: why do my legs feel heavy, and what do I do about it?"""

__version__ = "0.1.0"
