"""The preview's memory over a session of edits, with and without the held malloc threshold.

Usage: `python benchmarks/preview_memory.py [--size 10000] [--rounds 5] [--work DIR]`. In a
fresh process for each setting, in turn: the preview's full build of the synthetic corpus,
then `--rounds` rounds of edits, each of `run.EDITS` (a fact, a source, an actor, a template)
made and undone with the preview's rebuild after each; the process's resident memory
(`VmRSS`) after the full build and after each round. One process runs as the command line
leaves it (`cli.steady_malloc()` called), the other without it. Writes
`preview_memory.md` (and prints it). Linux only (`/proc/self/status`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # the benchmark's helpers: corpus, edits, machine facts  # noqa: E402


def rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) // 1024


def probe(root: Path, out: Path, rounds: int, steady: bool) -> dict[str, object]:
    """In a process of its own: the full build, then the rounds of edits."""
    from builder.cli import steady_malloc
    from builder.incremental import full_build, rebuild

    held = steady_malloc() if steady else False
    state = full_build(root, out, search=False).state
    assert state is not None, "the corpus has errors"
    first, after = rss_mb(), []
    for _ in range(rounds):
        for kind in run.EDITS:
            for undo in (False, True):
                run._edit(root, kind, undo=undo)
                again = rebuild(state, root, out, search=False)
                assert again.ok and again.state is not None
                state = again.state
        after.append(rss_mb())
    return {"held": held, "first": first, "after": after}


def measure(size: int, rounds: int, work: Path) -> dict[bool, dict[str, object]]:
    run.prepare_corpus(size, work)
    found = {}
    for steady in (False, True):
        root, out = work / f"preview-memory-{size}", work / f"preview-memory-site-{size}"
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(work / f"corpus-{size}", root)
        done = subprocess.run(
            [sys.executable, __file__, "--probe", str(root), str(out), str(rounds)]
            + (["--steady"] if steady else []),
            env=run.builder_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        found[steady] = json.loads(done.stdout)
    return found


def report(found: dict[bool, dict[str, object]], size: int, rounds: int) -> str:
    edits = len(run.EDITS) * 2
    rows = []
    for steady, label in ((False, "glibc's default"), (True, "held (`cli.steady_malloc`)")):
        got = found[steady]
        after = got["after"]
        assert isinstance(after, list)
        rows.append(
            f"| {label} | {got['first']} MB | {', '.join(f'{mb}' for mb in after)} MB |"
            f" {after[-1]} MB |"
        )
    return "\n".join(
        [
            "# The preview's memory over a session of edits",
            "",
            f"Machine: {run.machine()}. Builds run on {run.interpreter()}.",
            f"The {size:,}-fact synthetic corpus (`gen_corpus.py`). In a fresh process for "
            f"each row: the preview's full build, then {rounds} rounds of {edits} rebuilds "
            f"(each of {', '.join(run.EDITS)} edited and undone); the process's resident "
            "memory (`VmRSS`) after the full build and after each round. Written by "
            "`benchmarks/preview_memory.py`.",
            "",
            "| malloc threshold | after the full build | after each round | last |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="facts in the corpus")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of edits")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="scratch directory")
    parser.add_argument("--results", type=Path, default=HERE / "preview_memory.md")
    parser.add_argument("--probe", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--steady", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        root, out, rounds = args.probe
        print(json.dumps(probe(Path(root), Path(out), int(rounds), args.steady)))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    text = run.scrub(report(measure(args.size, args.rounds, args.work), args.size, args.rounds))
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
