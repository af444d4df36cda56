"""The templates folder -> a Jinja environment, and a broken template -> a located problem.

Goes in: `templates/`. Comes out: an environment with every page template loaded (compiled
once per build), the templates each page template pulls in, and `template_problem` for a
template that fails to compile or render.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

from builder import contexts
from builder.errors import Problem
from builder.fastpaths import EscapingTemplate
from builder.footnotes import REFERENCES_TEMPLATE

CARD_TEMPLATES = ("_fact_card.html", "_cite_marks.html", "_event_badge.html")
"""Rendered on their own by `Cards` (the badge is handed to the card already made)."""
TEMPLATE_USES: Mapping[str, tuple[str, ...]] = {
    "home.html": ("base.html", "_fact_list.html", "_key_points.html"),
    "page.html": (
        "base.html",
        "_fact_list.html",
        "_matrix.html",
        "_event_badge.html",
        "_key_points.html",
    ),
    "topic.html": ("base.html", "_fact_list.html"),
    "ally.html": ("base.html", "_fact_list.html"),
    "timeline.html": ("base.html", "_timeline_row.html"),
    "actors.html": ("base.html",),
    "actor.html": ("base.html", "_fact_list.html"),
    "sources.html": ("base.html",),
    "source.html": ("base.html", "_event_badge.html"),
    "fact.html": ("base.html",),
    "disputes.html": ("base.html",),
    "how-to-read.html": ("base.html",),
    "search.html": ("base.html", "_event_badge.html"),
    "404.html": ("base.html",),
    "corrections.html": ("base.html",),
    "withdrawn.html": ("base.html",),
    "redirect.html": ("base.html",),
    "changes.html": ("base.html",),
}
"""Templates each page template pulls in (extends/include); a test keeps it true."""


def make_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,  # every template makes HTML (a callable here runs per render)
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.template_class = EscapingTemplate
    return env


def load_templates(env: Environment) -> None:
    """Compile every template pages can use, ahead of rendering. One that is missing or
    broken is left for the page that uses it to report."""
    for name in sorted(templates_used({*TEMPLATE_USES, *CARD_TEMPLATES})):
        with contextlib.suppress(TemplateError, OSError):
            env.get_template(name)


def templates_used(names: Iterable[str]) -> set[str]:
    """`names`, the templates they pull in, and the navigation and References list every
    layout shows."""
    return {
        contexts.NAV_TEMPLATE,
        REFERENCES_TEMPLATE,
        *(used for name in names for used in (name, *TEMPLATE_USES.get(name, ()))),
    }


def template_problem(exc: Exception, root: Path) -> Problem:
    """A broken template as a problem at its file and line (the innermost template frame)."""
    import traceback

    filename, name = getattr(exc, "filename", None), getattr(exc, "name", None)
    path = Path(filename) if filename else root / "templates" / name if name else None
    line = getattr(exc, "lineno", None) or 0
    if not line:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.endswith(".html"):
                path, line = Path(frame.f_code.co_filename), lineno
    base = root.resolve()
    if path is None:
        rel = "templates"
    elif path.resolve().is_relative_to(base):
        rel = path.resolve().relative_to(base).as_posix()
    else:
        rel = str(path)
    message = getattr(exc, "message", None) or str(exc)
    return Problem(
        rel,
        line,
        0,
        "",
        f"template error: {message}",
        hint="fix the template under templates/ (this is not a content mistake)",
    )
