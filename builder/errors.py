"""One problem found in the content, as a value: where it is, what is wrong, how to fix it.

Lower layers collect `Problem`s; only the edges (`cli`, `serve`) turn them into text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors fail every build, warnings only `check --strict`."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """A content problem with its place. `line` and `column` are 1-based; 0 means unknown."""

    file: str
    """Path relative to the project root, with forward slashes: `content/facts/russia.yaml`."""
    line: int
    column: int
    field: str
    """The field at fault as a dotted path, e.g. `citations[1].quote`; empty for a whole file."""
    message: str
    """What is wrong and what was expected."""
    hint: str = ""
    """How to fix it, in the editor's terms."""
    severity: Severity = Severity.ERROR
    excerpt: str = ""
    """Extra context shown under the message, e.g. the closest passage of a source."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        """`file:line:col` as editors and terminals understand it."""
        if self.line and self.column:
            return f"{self.file}:{self.line}:{self.column}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.field, self.message)

    def as_text(self) -> str:
        """The one human format, shared by the terminal and the browser overlay. Control and
        bidi characters quoted from content are shown as escapes, never sent to a terminal."""
        where = self.location()
        field = f" [{self.field}]" if self.field else ""
        # A line break in a file name or a quoted value is shown as `\n` too: it cannot
        # start a line that reads like another problem.
        lines = [_ONE_LINE.sub(_escape, f"{where}: {self.severity.value}{field}: {self.message}")]
        if self.excerpt:
            lines.extend("    " + HIDDEN.sub(_escape, part) for part in self.excerpt.splitlines())
        if self.hint:
            lines.append("  hint: " + _ONE_LINE.sub(_escape, self.hint))
        return "\n".join(lines)

    def as_github(self) -> str:
        """A GitHub Actions workflow command that annotates the line in a pull request."""
        kind = "error" if self.is_error else "warning"
        text = self.message + (f" Hint: {self.hint}" if self.hint else "")
        if self.field:
            text = f"{self.field}: {text}"
        parts = [f"file={_gh_property(self.file)}"]
        if self.line:
            parts.append(f"line={self.line}")
        if self.column:
            parts.append(f"col={self.column}")
        return f"::{kind} {','.join(parts)}::{_gh_data(HIDDEN.sub(_escape, text))}"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters and bidi overrides/isolates: invisible, and able to make text display
in another order than it reads ("Trojan Source"); refused in every text field."""
_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""`HIDDEN` with tabs and line breaks: what a one-line part of a message must not hold."""


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file and line order, duplicates dropped, so output is stable."""
    return sorted(set(problems), key=Problem.sort_key)


def problems_as_json(problems: Iterable[Problem]) -> str:
    data = [p.as_dict() for p in sorted_problems(problems)]
    return json.dumps(data, indent=2, ensure_ascii=False)
