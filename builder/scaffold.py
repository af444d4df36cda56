"""`briefing new fact`: goes in a topic (and optionally a title), comes out a skeleton fact
with a fresh id that clashes with no existing fact, printed or appended to a facts file.

The date is left out on purpose: a fact's date must come from its sources, never from the
day it was written. The topic must be one of `content/site.yaml`'s topics.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from builder.errors import Problem
from builder.load import Mapping, Scalar, Sequence, load_yaml_file
from builder.schema import schema_comment

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
MAX_ID_WORDS = 8
MAX_ID_CHARS = 60


def slugify(title: str) -> str:
    """`Macron: 26 countries committed!` -> `macron-26-countries-committed` (a valid id, or
    empty when nothing usable is left)."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())[:MAX_ID_WORDS]
    slug = "-".join(words)[:MAX_ID_CHARS].rstrip("-")
    if slug and not slug[0].isalpha():
        slug = "fact-" + slug
    return slug


def fresh_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`... whichever is free."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def _ids(node: object, key: str = "id") -> list[str]:
    """The `id` of each mapping in a YAML list (what can be read of it)."""
    if not isinstance(node, Sequence):
        return []
    found = []
    for item in node.items:
        if isinstance(item, Mapping) and key in item.entries:
            value = item.entries[key].value
            if isinstance(value, Scalar) and value.value:
                found.append(value.value)
    return found


def existing_fact_ids(root: Path) -> set[str]:
    """Every fact id of `content/facts/*.yaml`, read leniently (broken files give none)."""
    problems: list[Problem] = []
    ids: set[str] = set()
    for path in sorted((root / "content" / "facts").glob("*.yaml")):
        raw = load_yaml_file(root, path.relative_to(root).as_posix(), problems)
        ids.update(_ids(raw.node))
    return ids


def site_topics(root: Path) -> tuple[list[str], list[Problem]]:
    problems: list[Problem] = []
    raw = load_yaml_file(root, "content/site.yaml", problems)
    if not isinstance(raw.node, Mapping) or "topics" not in raw.node.entries:
        return [], problems
    return _ids(raw.node.entries["topics"].value), problems


def skeleton(fact_id: str, topic: str) -> str:
    """A fact to fill in; the placeholders fail `briefing check` until they are replaced."""
    return (
        f"- id: {fact_id}\n"
        f"  claim: TODO one or two sentences, in the source's terms.\n"
        f"  topic: {topic}\n"
        f"  # date: YYYY-MM-DD   (or YYYY-MM) only when a source states it; never guess\n"
        f"  actors: []\n"
        f"  citations:\n"
        f"    - source: TODO-source-id   # from content/sources.yaml\n"
        f'      quote: "TODO a verbatim passage"   # briefing cite SOURCE "some words"\n'
    )


def append_fact(path: Path, entry: str) -> None:
    """Append `entry` to a facts file, starting a new file with the schema comment."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_comment("facts", depth=2) + "\n" + entry, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    joiner = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
    path.write_text(text + joiner + entry, encoding="utf-8")


def fact_file(root: Path, file: Path) -> Path | None:
    """Where `--file` points, when that is a fact file the build reads: a `.yaml` file,
    not hidden, directly in `content/facts/` (through symlinks too). A relative path is
    taken from the current folder, or else from the project folder (`--root`); None for
    anywhere else."""
    facts = (root / "content" / "facts").resolve()
    for base in (Path.cwd(), root):
        path = (base / file).resolve()
        if (
            path.parent == facts
            and path.suffix == ".yaml"
            and not path.name.startswith(".")
            and not path.is_dir()
        ):
            return path
    return None


def new_fact_command(
    root: Path,
    topic: str,
    *,
    title: str | None = None,
    file: Path | None = None,
    write: bool = False,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """`briefing new fact --topic T [--title ...] [--file F | --write]`."""
    topics, problems = site_topics(root)
    if not topics:
        for problem in problems:
            print(problem.as_text(), file=err)
        print("briefing new: content/site.yaml lists no topics to file a fact under", file=err)
        return EXIT_CONTENT
    if topic not in topics:
        print(f"briefing new: unknown topic `{topic}`", file=err)
        print("  topics in content/site.yaml: " + ", ".join(topics), file=err)
        return EXIT_USAGE
    wanted = slugify(title) if title else ""
    fact_id = fresh_id(wanted or f"{topic}-fact", existing_fact_ids(root))
    entry = skeleton(fact_id, topic)
    if file is not None:
        target = fact_file(root, file)
        if target is None:
            print(
                f"briefing new: refusing to write {file}: fact files live in "
                f"{root / 'content' / 'facts'}/ and end in .yaml",
                file=err,
            )
            print(
                "  hint: give a path such as content/facts/TOPIC.yaml (from the project "
                "folder), or use --write",
                file=err,
            )
            return EXIT_USAGE
    else:
        target = root / "content" / "facts" / f"{topic}.yaml" if write else None
    if target is None:
        print(entry, end="", file=out)
        return EXIT_OK
    append_fact(target, entry)
    print(
        f"added fact `{fact_id}` to {target}; fill in the TODOs, then run briefing check", file=err
    )
    return EXIT_OK
