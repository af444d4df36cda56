"""Two revisions of the builder timed in turn on one corpus: what a change bought.

Goes in: a git revision (`--base`, e.g. the commit before a change) and a corpus size.
Comes out: the median wall and CPU time and peak memory of full builds (`--no-search`) by
the base revision's builder and by this working tree's, in alternating order round after
round on the same synthetic corpus, each with its own templates; this tree's time over the
base's, round by round; and whether the two wrote the same bytes. Printed and written to
`--results` (default `benchmarks/compare.md`).

usage: python benchmarks/compare.py --base REV [--size 10000] [--runs 15] [--work DIR]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402
from run import REPO, Measure, Run  # noqa: E402


class Builder:
    """One revision's builder: its package and templates in `tree`, a corpus that uses
    those templates in `root`, and the folder its builds write."""

    def __init__(self, label: str, tree: Path, root: Path, out: Path) -> None:
        self.label, self.tree, self.root, self.out = label, tree, root, out
        self.measure = Measure()
        self.env = run.builder_env()
        self.env["PYTHONPATH"] = str(tree) + os.pathsep + os.environ.get("PYTHONPATH", "")

    def compile(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(self.tree / "builder")],
            env=self.env,
            check=True,
        )

    def once(self, sample: bool = False) -> Run:
        """One full build into a removed output folder (the cwd is the tree: `python -m`
        puts it first on the module path); with `sample`, its memory sampled."""
        shutil.rmtree(self.out, ignore_errors=True)
        return run.timed(run.build_cmd(self.root, self.out), self.tree, self.env, sample)


def revision(rev: str) -> str:
    """`rev` as a short commit name; raises SystemExit with git's words when it names none."""
    found = subprocess.run(
        ["git", "rev-parse", "--short", "--verify", f"{rev}^{{commit}}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        raise SystemExit(
            f"compare.py: --base {rev}: not a commit here ({found.stderr.strip() or 'git failed'})"
        )
    return found.stdout.strip()


def this_tree() -> str:
    """This working tree's commit, `-dirty` when it holds uncommitted changes."""
    found = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--abbrev=7"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() or "this tree"


def extract(rev: str, into: Path) -> Path:
    """The `builder` package and `templates` of commit `rev`, written into `into`."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "builder", "templates"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # from 3.11.4; git's own archive either way
            tar.extractall(into, filter="data")
        else:  # pragma: no cover - older 3.11
            tar.extractall(into)
    return into


def corpus_with_templates(corpus: Path, templates: Path, root: Path) -> Path:
    """`corpus` again at `root` (its files hard-linked) with `templates` as its templates."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(
        corpus,
        root,
        copy_function=os.link,
        ignore=lambda folder, _names: ["templates"] if Path(folder) == corpus else [],
    )
    shutil.copytree(templates, root / "templates")
    return root


def alternate(builders: tuple[Builder, Builder], runs: int, say: Callable[[str], None]) -> None:
    """One build by each per round, the order swapped every round, so that neither always
    follows the other (a build runs faster on a core the one before left warm or cool)."""
    for builder in builders:
        builder.once()  # warm: template bytecode caches, the corpus in the page cache
    for i in range(runs):
        for builder in builders if i % 2 == 0 else builders[::-1]:
            builder.measure.runs.append(builder.once())
        say(f"round {i + 1} of {runs}")
    for i in range(run.MEMORY_RUNS):  # memory apart: sampling takes CPU from the build timed
        for builder in builders if i % 2 == 0 else builders[::-1]:
            builder.measure.memory_runs.append(builder.once(sample=True))


def same_output(a: Path, b: Path) -> tuple[int, list[str]]:
    """(files compared, paths whose bytes differ or that only one folder has)."""

    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    left, right = files(a), files(b)
    differ = sorted(set(left) ^ set(right))
    differ += [
        rel
        for rel in sorted(set(left) & set(right))
        if left[rel].read_bytes() != right[rel].read_bytes()
    ]
    return len(left.keys() | right.keys()), sorted(differ)


def report(base: Builder, new: Builder, n: int, work: Path) -> str:
    compared, differ = same_output(base.out, new.out)
    rows = [
        f"| {b.label} | {run.secs(b.measure)} | {run.cpu(b.measure)} | {run.mem(b.measure)} |"
        for b in (base, new)
    ]
    output = (
        f"byte-identical ({compared:,} files)"
        if not differ
        else f"**differs** in {len(differ):,} of {compared:,} files, e.g. "
        + ", ".join(f"`{d}`" for d in differ[:5])
    )
    return "\n".join(
        [
            "# Two revisions compared",
            "",
            f"Machine: {run.machine()}. Builds run on {run.interpreter()}; corpus and output on "
            f"{run.filesystem(work)}.",
            f"Full builds (`--no-search`) of the {n:,}-fact synthetic corpus (`gen_corpus.py`), "
            f"each revision with its own templates, {len(base.measure.runs)} rounds, the order "
            "swapped every round, after one untimed build each; medians; peak memory is the "
            "whole process tree's PSS (shared pages counted once), the median of "
            f"{run.MEMORY_RUNS} more builds each with their memory sampled, in turn, beside "
            "the largest process's maxrss.",
            "",
            "| builder | wall | CPU | peak memory |",
            "|---|---|---|---|",
            *rows,
            "",
            f"Round by round, {new.label} over {base.label}: wall "
            f"{run.paired(new.measure, base.measure)}, CPU "
            f"{run.paired(new.measure, base.measure, lambda r: r.cpu)} (median, smallest and "
            "largest).",
            "",
            f"Output: {output}.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the git revision to compare with")
    parser.add_argument("--size", type=int, default=10_000, help="facts in the corpus")
    parser.add_argument("--runs", type=int, default=15, help="rounds (medians)")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="scratch directory")
    parser.add_argument("--results", type=Path, default=HERE / "compare.md")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.size < 1:
        parser.error("--runs and --size must be at least 1")
    rev = revision(args.base)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    args.work.mkdir(parents=True, exist_ok=True)
    say(f"{args.size:,} facts: preparing the corpus and {rev}'s builder")
    corpus = run.prepare_corpus(args.size, args.work)
    tree = extract(rev, args.work / "compare-base")
    base = Builder(
        f"base `{rev}`",
        tree,
        corpus_with_templates(corpus, tree / "templates", args.work / "compare-corpus"),
        args.work / "compare-site-base",
    )
    new = Builder(f"this tree `{this_tree()}`", REPO, corpus, args.work / "compare-site-new")
    for builder in (base, new):
        builder.compile()
    try:
        alternate((base, new), args.runs, say)
    except run.CommandFailed as exc:
        say(f"a build failed: {exc}")
        return 1
    text = run.scrub(report(base, new, args.size, args.work))
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
