"""Lines of code per module of `builder/`, so that the size targets can be checked by anyone.

A line of code is a physical line holding at least one token that is not a comment and not
part of a docstring (a string standing alone as the first statement of a module, class or
function); blank lines, comment lines and docstrings do not count. A multi-line string that is
not a docstring counts every line it spans.

Usage: `python benchmarks/lines.py [--package DIR]`. Prints one row per module (code lines,
physical lines), largest first, then the number of modules, the largest, the median and the
total of code lines.
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


def code_lines(source: str) -> int:
    """How many physical lines of `source` hold code (see the module docstring)."""
    docstrings = docstring_lines(ast.parse(source))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in NOT_CODE:
            continue
        span = range(token.start[0], token.end[0] + 1)
        if token.type == tokenize.STRING and token.start[0] in docstrings:
            continue
        lines.update(span)
    return len(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=REPO / "builder")
    args = parser.parse_args(argv)
    rows = []
    for path in sorted(args.package.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        rows.append((code_lines(source), len(source.splitlines()), path.name))
    rows.sort(key=lambda row: (-row[0], row[2]))
    width = max(len(name) for _, _, name in rows)
    print(f"{'module':<{width}}  {'code':>5}  {'lines':>5}")
    for code, physical, name in rows:
        print(f"{name:<{width}}  {code:>5}  {physical:>5}")
    counts = [code for code, _, _ in rows]
    print()
    print(f"modules: {len(counts)}")
    print(f"largest: {max(counts)} code lines ({rows[0][2]})")
    print(f"median:  {statistics.median(counts):g} code lines")
    print(f"total:   {sum(counts)} code lines ({sum(p for _, p, _ in rows)} physical lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
