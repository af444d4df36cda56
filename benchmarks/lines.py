"""Lines of code per module of `builder/`, so that the size targets can be checked by anyone.

A line of code is a physical line holding at least one token that is not a comment and not
part of a docstring (a string standing alone as the first statement of a module, class or
function); blank lines, comment lines and docstrings do not count. A multi-line string that is
not a docstring counts every line it spans. Beside it, the logical lines: statements as
Python's tokenizer ends them (a call wrapped over five lines is one), docstrings excluded.

Usage: `python benchmarks/lines.py [--package DIR]`. Prints one row per module (code lines,
logical lines, physical lines), largest first, then the number of modules, the largest, the
median and the totals.
"""

from __future__ import annotations

import argparse
import ast
import io
import statistics
import sys
import tokenize
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOT_CODE = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}


def docstring_lines(tree: ast.Module) -> set[int]:
    """Line numbers covered by the docstrings of the module and of its classes and functions."""
    lines: set[int] = set()
    owners = [
        tree,
        *(
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ),
    ]
    for owner in owners:
        body = owner.body
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node = body[0]
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def code_lines(source: str) -> tuple[int, int]:
    """How many physical lines of `source` hold code, and how many logical lines it has
    (see the module docstring)."""
    docstrings = docstring_lines(ast.parse(source))
    lines: set[int] = set()
    logical = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NEWLINE and token.start[0] not in docstrings:
            logical += 1
        if token.type in NOT_CODE:
            continue
        if token.type == tokenize.STRING and token.start[0] in docstrings:
            continue
        lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines), logical


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=REPO / "builder")
    args = parser.parse_args(argv)
    rows = []
    for path in sorted(args.package.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        rows.append((*code_lines(source), len(source.splitlines()), path.name))
    rows.sort(key=lambda row: (-row[0], row[3]))
    width = max(len(row[3]) for row in rows)
    print(f"{'module':<{width}}  {'code':>5}  {'logical':>7}  {'lines':>5}")
    for code, logical, physical, name in rows:
        print(f"{name:<{width}}  {code:>5}  {logical:>7}  {physical:>5}")
    print(f"\nmodules: {len(rows)}")
    for i, what in enumerate(("code lines", "logical lines", "physical lines")):
        counts = [row[i] for row in rows]
        largest = max(rows, key=lambda row: row[i])
        print(
            f"{what + ':':<15} total {sum(counts):>6}, median {statistics.median(counts):>5g}, "
            f"largest {max(counts):>5} ({largest[3]})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
