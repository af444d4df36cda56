"""`python -m builder` runs the `briefing` command."""

from builder.cli import run

run()
