"""The templates folder -> a Jinja environment, and a broken template -> a located problem.

Goes in: `templates/`. Comes out: an environment with every template loaded (compiled once
per build), which records the templates each page loads, and `template_problem` for a
template that fails to compile or render.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateError

from builder.errors import Problem
from builder.fastpaths import EscapingTemplate
from builder.reads import record

CARD_TEMPLATES = ("_fact_card.html", "_cite_marks.html", "_event_badge.html")
"""Rendered on their own by `Cards` (the badge is handed to the card already made)."""


class RecordingEnvironment(Environment):
    """An environment that records the name of every template a page loads, `extends`
    and `include` among them (see `reads`), so the preview knows which pages a template
    edit touches."""

    def get_template(self, name: str | Template, *args: Any, **kwargs: Any) -> Template:
        if isinstance(name, str):
            record(f"template:{name}")
        return super().get_template(name, *args, **kwargs)


def make_environment(templates_dir: Path) -> Environment:
    env = RecordingEnvironment(
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


def load_templates(env: Environment, *, strict: bool = False) -> None:
    """Compile every template (static files aside) ahead of rendering. One that is broken
    raises `TemplateError` when `strict`, else is left for the page that uses it to report."""
    for name in env.list_templates(filter_func=lambda name: not name.startswith("static/")):
        if strict:
            env.get_template(name)
            continue
        with contextlib.suppress(TemplateError, OSError):
            env.get_template(name)


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
