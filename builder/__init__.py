"""briefing: a static site generator for cited briefings."""

__version__ = "0.1.0"
