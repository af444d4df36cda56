"""How long a wrong long quote takes to fail: finding it (not found) and the closest passage
shown with the error, the two steps `check` takes for every quote not in its source.

Goes in: a number of runs. Comes out: a table printed and written to
`benchmarks/wrong_quotes.md`: the median (and slowest) time of 20 wrong quotes of 4,900
characters (one word changed in the middle of a real passage) against the real seeds
(target 2 s), and of one such quote against a 1 MB seed of the seeds' words (target 0.5 s),
each with the score of the closest passage found (the error shows it from 50 up).

usage: python benchmarks/wrong_quotes.py [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from builder.quotes import SourceIndex  # noqa: E402

QUOTE_CHARS, QUOTES = 4_900, 20
REAL_TARGET, BIG_TARGET = 2.0, 0.5


def wrong_quote(text: str, rnd: random.Random) -> str:
    """A passage of `QUOTE_CHARS` characters (the text repeated when shorter) with one
    word changed in its middle."""
    doubled = text * (QUOTE_CHARS // len(text) + 2)
    start = rnd.randrange(len(text))
    quote = doubled[start : start + QUOTE_CHARS]
    middle = len(quote) // 2
    return quote[:middle] + " zebra " + quote[middle + 7 :]


def fail(index: SourceIndex, quote: str) -> float:
    """What `check` does for a quote it cannot find; returns the closest passage's score."""
    assert not index.find(quote)
    closest = index.closest(quote)
    return closest.score if closest is not None else 0.0


def timed(cases: list[tuple[SourceIndex, str]]) -> tuple[float, float]:
    started = time.perf_counter()
    scores = [fail(index, quote) for index, quote in cases]
    return time.perf_counter() - started, min(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    rnd = random.Random(19)
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    indexes = [SourceIndex(text) for text in texts]
    real = [
        (indexes[i % len(texts)], wrong_quote(texts[i % len(texts)], rnd)) for i in range(QUOTES)
    ]
    words = " ".join(texts).split()
    big_text = " ".join(rnd.choice(words) for _ in range(200_000))[:1_000_000]
    big = [(SourceIndex(big_text), wrong_quote(big_text[400_000:420_000], rnd))]
    rows = []
    for name, cases, target in (
        (f"{QUOTES} quotes, real seeds", real, REAL_TARGET),
        ("1 quote, 1 MB seed", big, BIG_TARGET),
    ):
        results = [timed(cases) for _ in range(runs)]
        seconds = [r[0] for r in results]
        rows.append(
            f"| {name} | {statistics.median(seconds):.3f} | {max(seconds):.3f} | "
            f"{target} | {results[0][1]:.1f} |"
        )
    table = "\n".join(
        [
            f"Wrong quotes of {QUOTE_CHARS:,} characters, {runs} runs "
            "(`benchmarks/wrong_quotes.py`)",
            "",
            "| case | median s | slowest s | target s | lowest closest score |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    print(table)
    (HERE / "wrong_quotes.md").write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
