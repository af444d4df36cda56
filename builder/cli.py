"""Command-line parsing, and the only place (with `serve`) where problems become text.

Exit codes: 0 ok, 1 content errors, 2 usage errors. Heavy modules are imported inside the
handlers so that `briefing --help` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from builder.build import CheckResult
    from builder.changes import ChangeSet

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json", "github", "sarif")
"""How problems can be printed (`--format`)."""

_KEPT: list[object] = []
"""What the last command made, kept until `_leave` ends the process (a process that runs
commands in turn, as the tests do, holds only the last): a handler's result freed on
its return would be freed object by object (a build's briefing, renderer and cards) just
before `os._exit`, which exists to skip that (`benchmarks/README.md`)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefing",
        description="Build a static site of cited facts from content/ and seeds/.",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        help="project folder holding content/, templates/ and seeds/ (default: the current folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("build", help="check everything and build the site into site/")
    p.add_argument("--out", type=Path, help="output folder (default: ROOT/site)")
    p.add_argument(
        "--base-url",
        type=_base_url,
        help="deploy path or https:// URL, overriding site.yaml's base_url "
        "(e.g. /briefing/ or https://example.org/briefing/)",
    )
    p.add_argument("--no-search", action="store_true", help="skip search indexing (Pagefind)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument(
        "--base",
        metavar="REF",
        help="a git revision (what was last published): add a /changes/ page of "
        "what this build changes, for review (and, under GitHub Actions, the "
        "same in the job summary)",
    )
    p.add_argument(
        "--format", choices=FORMATS, default="text", help="how problems are printed (default: text)"
    )

    p = sub.add_parser("check", help="validate content and citations without writing anything")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for people, json for tools, github for Actions annotations "
        "(all of them in the job summary too), sarif for code scanning",
    )
    p.add_argument(
        "--coverage", action="store_true", help="also print how much of each source is cited"
    )
    p.add_argument(
        "--since",
        metavar="REF",
        help="also check against a git revision (what was last published): every "
        "changed fact carries a correction, every published id lives on",
    )

    p = sub.add_parser(
        "serve",
        help="preview the site on 127.0.0.1, rebuilding and reloading the browser on every save",
    )
    p.add_argument(
        "--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)"
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only)",
    )
    p.add_argument("--out", type=Path, help="output folder (default: ROOT/site)")

    p = sub.add_parser(
        "cite",
        help="find the passages that hold a few remembered words and "
        "print ready-to-paste citations",
    )
    p.add_argument(
        "words",
        nargs="+",
        metavar="[SOURCE] WORDS",
        help="a source id from content/sources.yaml (optional), then a few words "
        "of the passage as you remember them, in any order",
    )
    p.add_argument(
        "--all", action="store_true", help="search every source (the default without a source id)"
    )
    p.add_argument(
        "--limit", type=int, default=5, metavar="N", help="how many passages to show (default 5)"
    )

    p = sub.add_parser("schema", help="write JSON Schemas of the content files for editors")
    p.add_argument("--out", type=Path, help="folder (default: ROOT/schemas)")

    _sources_parser(sub)

    p = sub.add_parser("new", help="print or add a skeleton fact with a fresh id")
    p.add_argument("kind", choices=("fact",), help="what to create")
    p.add_argument("--topic", required=True, help="topic id from content/site.yaml")
    p.add_argument("--title", help="a few words the id is made from")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--file", type=Path, help="append to this facts file")
    where.add_argument("--write", action="store_true", help="append to content/facts/TOPIC.yaml")
    return parser


def _sources_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("sources", help="archive a new source, re-pin or verify archived files")
    act = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    a = act.add_parser(
        "add", help="archive a text, Markdown or saved HTML file as a new, pinned source"
    )
    a.add_argument("path", type=Path, help="the file to archive (.txt, .md or .html)")
    a.add_argument("--id", required=True, dest="source_id", help="the new source's id")
    a.add_argument("--title", required=True, help="the document's headline")
    a.add_argument("--outlet", default="unknown", help="who published it (default: unknown)")
    a.add_argument(
        "--published",
        default="unknown",
        help="YYYY-MM-DD or YYYY-MM, only as the document states it (default: unknown)",
    )
    a.add_argument("--url", help="the document's original address, when known")
    a.add_argument(
        "--kind",
        default="news",
        choices=("news", "analysis", "aggregator", "official"),
        help="default: news",
    )
    a.add_argument("--archived", help="the archive date YYYY-MM-DD (default: today)")
    a = act.add_parser(
        "pin",
        help="record the digests of re-archived files (all without ids); "
        "refused while a citing quote would be lost",
    )
    a.add_argument("ids", nargs="*", metavar="ID", help="source ids (default: every source)")
    a = act.add_parser("verify", help="check every archived file against its recorded digest")
    a.add_argument(
        "--archive",
        type=Path,
        metavar="DIR",
        help="check a copy of the archive instead (a folder holding seeds/)",
    )


def _port(value: str) -> int:
    """`--port`: a TCP port number, 0 to 65535, else a usage error."""
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a port number: give 0 to 65535 (0 picks a free one)"
        )
    return int(value)


def _base_url(value: str) -> str:
    """`--base-url`, refused as a usage error when a browser could read it as another site."""
    from builder.urls import BASE_URL_HINT, base_url_problem

    refused = base_url_problem(value)
    if refused is not None:
        raise argparse.ArgumentTypeError(f"{refused.replace('`base_url`', 'it')}; {BASE_URL_HINT}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    root: Path = args.root
    if not (root / "content").is_dir():
        print(f"briefing: error: no content/ folder in {root.resolve()}", file=sys.stderr)
        print("  hint: run briefing from the project folder, or pass --root", file=sys.stderr)
        return EXIT_USAGE
    handler = {
        "build": _build,
        "check": _check,
        "serve": _serve,
        "cite": _cite,
        "schema": _schema,
        "new": _new,
        "sources": _sources,
    }[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130


def _check(args: argparse.Namespace) -> int:
    from builder.build import check

    result = check(args.root, strict=args.strict)
    _KEPT[:] = [result]
    if args.since is not None:
        from builder.changes import changes_since, since_problems
        from builder.errors import sorted_problems
        from builder.gitrepo import GitError

        try:
            found = since_problems(changes_since(args.root, args.since), args.since)
        except GitError as exc:
            print(f"briefing: error: --since {args.since}: {exc}", file=sys.stderr)
            print(
                "  hint: give a branch, tag or commit of this project's git repository "
                "(e.g. --since origin/main)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        result.problems = sorted_problems([*result.problems, *found])
    report(result, args.format)
    if args.coverage and result.briefing is not None:
        print_coverage(result)
    if args.format == "text":
        print(_summary_line(result, "checked"), file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_CONTENT


def _build(args: argparse.Namespace) -> int:
    from builder.build import build
    from builder.progress import Progress

    result = build(
        args.root,
        out=args.out,
        base_url=args.base_url,
        search=not args.no_search,
        strict=args.strict,
        watcher=Progress(),
        base=args.base,
    )
    _KEPT[:] = [result]
    report(result, args.format)
    if result.ok and result.review is not None:
        _review_summary(result.review, args.base)
    if not result.ok:
        if args.format == "text":
            print(
                f"build failed: {len(result.errors)} error(s); "
                f"{_display(result.out)} was left as it was",
                file=sys.stderr,
            )
        return EXIT_CONTENT
    if args.format == "text":
        print(
            f"built {result.pages} pages ({result.files} files, {result.written} changed, "
            f"{result.bytes / 1e6:.1f} MB) into {_display(result.out)} "
            f"in {result.seconds:.2f} s",
            file=sys.stderr,
        )
        if result.search is not None:
            print(
                f"search index: {result.search.pages} pages in {result.search.seconds:.2f} s, "
                f"beside the render ({result.search.cpu:.2f} s CPU)",
                file=sys.stderr,
            )
    return EXIT_OK


def _review_summary(review: ChangeSet, base: str) -> None:
    """One line on the terminal; under GitHub Actions the whole review in the job summary."""
    from builder.changes import review_markdown

    print(
        f"changes since {base}: {len(review.added)} added, {len(review.changed)} changed, "
        f"{len(review.withdrawn)} withdrawn, {len(review.renamed)} renamed "
        f"(see changes/ in the site)",
        file=sys.stderr,
    )
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with contextlib.suppress(OSError), open(summary, "a", encoding="utf-8") as handle:
            handle.write(review_markdown(review, base))


def _serve(args: argparse.Namespace) -> int:
    from builder.serve import serve_command

    return serve_command(args.root, host=args.host, port=args.port, out=args.out)


def _cite(args: argparse.Namespace) -> int:
    from builder.cite import cite_command

    return cite_command(args.root, args.words, every_source=args.all, limit=args.limit)


def _schema(args: argparse.Namespace) -> int:
    from builder.schema import write_schemas

    out = args.out if args.out is not None else args.root / "schemas"
    try:
        written = write_schemas(out)
    except OSError as exc:
        print(
            f"briefing schema: cannot write into {_display(out)}: {exc.strerror}", file=sys.stderr
        )
        print("  hint: choose a folder you can write to with --out", file=sys.stderr)
        return EXIT_CONTENT
    print(f"wrote {len(written)} schema file(s) into {_display(out)}", file=sys.stderr)
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from builder.scaffold import new_fact_command

    return new_fact_command(
        args.root, args.topic, title=args.title, file=args.file, write=args.write
    )


def _sources(args: argparse.Namespace) -> int:
    from builder import archive

    if args.action == "verify":
        return archive.verify_command(args.root, args.archive)
    if args.action == "pin":
        return archive.pin_command(args.root, args.ids)
    return archive.add_command(
        args.root,
        args.path,
        source_id=args.source_id,
        title=args.title,
        outlet=args.outlet,
        published=args.published,
        url=args.url,
        kind=args.kind,
        archived=args.archived,
    )


def _display(path: Path | None) -> str:
    if path is None:
        return "site/"
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return str(path) + "/"


def report(result: CheckResult, fmt: str) -> None:
    """Print every problem in the chosen format (text on stderr; json, sarif and github on
    stdout). Under GitHub Actions, `github` also writes every problem to the job summary when
    there are more than GitHub shows as annotations."""
    from builder.errors import problems_as_json

    if fmt == "json":
        print(problems_as_json(result.problems))
        return
    if fmt == "sarif":
        from builder.reports import problems_as_sarif

        print(problems_as_sarif(result.problems, strict=result.strict, version=_version()))
        return
    for problem in result.problems:
        line = problem.as_github() if fmt == "github" else problem.as_text()
        print(line, file=sys.stdout if fmt == "github" else sys.stderr)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:
        from builder.reports import job_summary, needs_summary

        if needs_summary(result.problems, strict=result.strict):
            try:
                with open(summary, "a", encoding="utf-8") as handle:
                    handle.write(job_summary(result.problems, strict=result.strict))
            except OSError as exc:
                print(f"briefing: cannot write the job summary: {exc.strerror}", file=sys.stderr)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("briefing")
    except PackageNotFoundError:
        return ""


def _summary_line(result: CheckResult, verb: str) -> str:
    b = result.briefing
    counts = (
        f"{len(b.facts)} facts, {len(b.sources)} sources, {len(b.actors)} actors, "
        f"{len(b.pages)} pages"
        if b is not None
        else "content"
    )
    return (
        f"{verb} {counts}: {len(result.errors)} error(s), "
        f"{len(result.warnings)} warning(s) in {result.seconds:.2f} s"
    )


def print_coverage(result: CheckResult) -> None:
    b = result.briefing
    assert b is not None
    print("coverage: share of each source's text cited by at least one fact")
    for source in b.sources:
        share = b.coverage.get(source.id, 0.0)
        facts = len(b.facts_by_source.get(source.id, ()))
        print(f"  {share:6.1%}  {facts:4d} facts  {source.id}")


def run() -> None:
    """Console-script entry point."""
    # The one place the cycle collector is tuned: a build leaves no cycles
    # (`tests/test_build.py`) and a command ends with `_leave`, so collecting would only
    # cost time (`benchmarks/README.md`). The preview server, which lives on, turns it
    # back on.
    gc.disable()
    steady_malloc()
    if os.environ.get("BRIEFING_DEBUG"):
        sys.exit(main())
    try:
        code = main()
    except BrokenPipeError:  # the reader went away (`check --format json | head`)
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        with contextlib.suppress(OSError):
            print("briefing: stopped: the output's reader closed the pipe", file=sys.stderr)
        code = EXIT_CONTENT
    except Exception as exc:  # an internal bug, not an editor's mistake
        print(f"briefing: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(
            "  this is a bug in briefing, not in your content; rerun with BRIEFING_DEBUG=1 "
            "for the traceback and report it",
            file=sys.stderr,
        )
        code = 70
    _leave(code)


M_MMAP_THRESHOLD = -3  # glibc's `mallopt` parameter


def steady_malloc() -> bool:
    """Keep glibc's malloc giving blocks of 128 KB or more (a page's text) mappings of their
    own, which go back to the system when freed; True where set (Linux with glibc). By
    default each such block freed raises that size, up to 32 MB, and later pages come from a
    heap that keeps their holes: some 30 MB more at a 10,000-fact build's peak
    (`benchmarks/malloc.md`). Set here, beside the collector; forked workers inherit it."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, 128 * 1024))


def _leave(code: int) -> None:
    """End the process at once, once what it printed is out: Python's own exit would free
    the whole briefing object by object first for a process that ends anyway. Every file
    was written and closed, every lock let go."""
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away (`| head`) or a closed stream: nothing more to say.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
