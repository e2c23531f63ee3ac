"""``python -m heavylegs``: the same as the ``heavylegs`` command."""

from heavylegs.cli import run

run()
