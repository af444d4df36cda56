"""One mistake, one message: the problems a broken file causes elsewhere, folded into it.

Goes in: every problem found, and which files could not be read or parsed (by the kind of
id each would have defined). Comes out: the same problems, with each `unknown <kind>`
reference that could live in a broken file left out and counted in one line at that file
("… and 15 references into this file not checked"); a seed's `not found` left out when
the seed exists but could not be read, and a file's `empty` when its syntax error says
why (their own problems say so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from builder.errors import Problem, Severity

UNKNOWN = "unknown {kind} `"
"""How `validate` begins the message of a reference to an id no file defines."""
SEED_NOT_FOUND = "source file `{file}` not found under seeds/"
EMPTY = "the file is empty"
"""How `validate` begins the message for a file with nothing in it: also what a file that
did not parse looks like to the stage that reads it."""


def broken_files(problems: Iterable[Problem], parsed: Mapping[str, bool]) -> set[str]:
    """The files of `parsed` (path -> whether anything could be read from it) that did not
    parse and have an error of their own to show for it."""
    with_errors = {p.file for p in problems if p.is_error}
    return {path for path, ok in parsed.items() if not ok and path in with_errors}


def fold(
    problems: list[Problem],
    broken_by_kind: Mapping[str, list[str]],
    unreadable: set[str],
    wrong_lists: Mapping[str, str] | None = None,
) -> list[Problem]:
    """`problems` with what follows from a broken or unreadable file folded (see above);
    `wrong_lists` (kind -> file) names lists that are not lists, whose file is readable:
    every reference to an id of that kind is folded into the file, its own ones too."""
    wrong_lists = wrong_lists or {}
    if not broken_by_kind and not unreadable and not wrong_lists:
        return problems
    prefixes = {UNKNOWN.format(kind=kind): files for kind, files in broken_by_kind.items() if files}
    everywhere = {UNKNOWN.format(kind=kind): file for kind, file in wrong_lists.items()}
    unreadable_messages = {SEED_NOT_FOUND.format(file=file) for file in unreadable}
    located = {p.file for p in problems if p.is_error and p.line}
    folded: dict[str, int] = {}
    kept: list[Problem] = []
    for problem in problems:
        if problem.message in unreadable_messages or (
            not problem.line and problem.file in located and problem.message.startswith(EMPTY)
        ):
            continue
        into = next(
            (file for prefix, file in everywhere.items() if problem.message.startswith(prefix)),
            None,
        )
        if into is not None:
            folded[into] = folded.get(into, 0) + 1
            continue
        files = next(
            (files for prefix, files in prefixes.items() if problem.message.startswith(prefix)),
            None,
        )
        if files is not None and problem.file not in files:
            folded[files[0]] = folded.get(files[0], 0) + 1
            continue
        kept.append(problem)
    for file, count in folded.items():
        first = min((p for p in kept if p.file == file and p.is_error), key=Problem.sort_key)
        references = "reference" if count == 1 else "references"
        kept.append(
            Problem(
                file,
                first.line,
                first.column,
                "",
                f"\u2026 and {count} {references} into this file not checked",
                hint="fix the error above first: the references are checked again then",
                severity=Severity.WARNING,
            )
        )
    return kept
