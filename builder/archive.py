"""`briefing sources add|pin|verify`: archive a new source, re-pin a re-archived one, check
every pinned digest.

Goes in: a project root and the command's arguments. Comes out: an exit code, a report on
stdout (problems on stderr) and, for `add` and `pin`, `content/sources.yaml` (and `seeds/`)
rewritten in place, atomically, comments and layout kept.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from builder.capture import Capture, CaptureError, capture
from builder.errors import Problem
from builder.libyaml import parse_yaml
from builder.load import RawProject, load_project
from builder.pinning import (
    SOURCES_FILE,
    Fate,
    Pin,
    QuoteFate,
    citing_quotes,
    digest_of,
    pinned_version,
    quote_fates,
    read_pins,
    text_of,
)
from builder.values import ID_PATTERN, parse_date

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _refuse(message: str, hint: str = "", code: int = EXIT_CONTENT) -> int:
    _say(f"briefing sources: error: {message}")
    if hint:
        _say(f"  hint: {hint}")
    return code


def verify_command(root: Path, archive: Path | None = None) -> int:
    """Check every archived file against its pin; unpinned sources fail too. With `archive`,
    the files checked are those of a copy of the archive (a folder holding `seeds/` as the
    project names its files), e.g. a backup or a mirror."""
    project = load_project(root)
    base = archive if archive is not None else root
    problems: list[Problem] = []
    pins = read_pins(project.sources, problems)
    bad = len(problems)
    for problem in problems:
        _say(problem.as_text())
    for pin in pins:
        actual = digest_of(base / pin.file)
        if not pin.sha256:
            state, bad = "unpinned", bad + 1
        elif actual is None:
            state, bad = "missing", bad + 1
        elif actual != pin.sha256:
            state, bad = "CHANGED", bad + 1
        else:
            state = "ok"
        print(f"{state:<9} {pin.source:<32} {pin.file}")
        if state == "CHANGED":
            print(f"          expected sha256 {pin.sha256}\n          actual   sha256 {actual}")
    if bad:
        return _refuse(
            f"{bad} archived file(s) do not match a recorded digest",
            "restore changed files from git; record digests of re-archived or "
            "unpinned ones with `briefing sources pin ID`",
        )
    print(f"all {len(pins)} archived file(s) match their pins")
    return EXIT_OK


def pin_command(root: Path, ids: Sequence[str]) -> int:
    """Record the digest of each chosen source's files (every source's without ids), once
    every quote citing a changed file is still found exactly once."""
    project = load_project(root)
    problems: list[Problem] = []
    pins = read_pins(project.sources, problems)
    known = list(dict.fromkeys(p.source for p in pins))
    for sid in ids:
        if sid not in known:
            close = difflib.get_close_matches(sid, known, n=1)
            return _refuse(
                f"no source `{sid}` in {SOURCES_FILE}",
                f"did you mean `{close[0]}`?" if close else "give ids from content/sources.yaml",
                EXIT_USAGE,
            )
    chosen = [p for p in pins if not ids or p.source in ids]
    edits: list[tuple[Pin, str]] = []
    blocked = 0
    for pin in chosen:
        actual = digest_of(root / pin.file)
        if actual is None:
            return _refuse(
                f"{pin.file} (source `{pin.source}`) cannot be read",
                "archive the file first, or correct `file` in content/sources.yaml",
            )
        if actual == pin.sha256:
            print(f"{pin.source}: {pin.file} is pinned already (sha256 {actual})")
            continue
        print(f"{pin.source}: {pin.file} sha256 {pin.sha256 or '(none recorded)'} -> {actual}")
        if pin.field == "sha256":
            blocked += _print_fates(_fates(project, pin))
        edits.append((pin, actual))
    if blocked:
        return _refuse(
            f"{blocked} quote(s) would no longer be found exactly once; nothing was pinned",
            "correct those quotes first (`briefing cite SOURCE "
            '"words"` finds the passage), then pin again',
        )
    if not edits:
        return EXIT_OK
    path = root / SOURCES_FILE
    text = path.read_text(encoding="utf-8")
    new_text = record_digests(text, edits)
    if not _all_recorded(new_text, edits):
        return _refuse(
            f"could not write the digests into {SOURCES_FILE} safely",
            "add `sha256: DIGEST` lines by hand: " + ", ".join(f"{p.source} {d}" for p, d in edits),
        )
    _write_atomically(path, new_text.encode("utf-8"))
    print(f"pinned {len(edits)} file(s) in {SOURCES_FILE}")
    return EXIT_OK


def _fates(project: RawProject, pin: Pin) -> list[QuoteFate]:
    """The fates of the quotes citing a file whose digest is about to change, against its
    pinned version (or, when none was recorded, its last committed one)."""
    from builder import gitrepo

    if pin.sha256:
        before = pinned_version(project.root, pin.file, pin.sha256)
    else:
        try:
            found = gitrepo.read_files(project.root, [("HEAD", pin.file)])
        except gitrepo.GitError:
            found = {}
        before = found.get(("HEAD", pin.file))
    now = project.seeds.get(pin.file, "")
    return quote_fates(text_of(before), now, citing_quotes(project.facts, pin.source))


def _print_fates(fates: Sequence[QuoteFate]) -> int:
    """Print each citing quote's fate (only a count when all are unchanged); return how many
    would be lost."""
    if all(f.fate is Fate.UNCHANGED for f in fates):
        print(f"  all {len(fates)} citing quote(s) unchanged")
        return 0
    for fate in fates:
        print("  " + fate.describe())
    return sum(f.fate.blocks_pinning for f in fates)


def record_digests(text: str, edits: Sequence[tuple[Pin, str]]) -> str:
    """`content/sources.yaml` with each digest written: in place of the recorded one, or on a
    new line right below the entry's `file:` (or `capture:`) line, at its indent."""
    lines = text.split("\n")
    for pin, digest in sorted(edits, key=lambda e: e[0].line, reverse=True):
        at = pin.line - 1
        if pin.sha256:
            lines[at] = lines[at].replace(pin.sha256, digest, 1)
        else:
            lines.insert(at + 1, " " * (pin.column - 1) + f"{pin.field}: {digest}")
    return "\n".join(lines)


def _all_recorded(text: str, edits: Sequence[tuple[Pin, str]]) -> bool:
    """Whether the rewritten file still parses and records every new digest."""
    from builder.load import RawFile

    problems: list[Problem] = []
    node = parse_yaml(text, SOURCES_FILE, problems)
    if problems:
        return False
    now = {(p.source, p.field): p.sha256 for p in read_pins(RawFile(SOURCES_FILE, node))}
    return all(now.get((p.source, p.field)) == d for p, d in edits)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_command(
    root: Path,
    file: Path,
    *,
    source_id: str,
    title: str,
    outlet: str = "unknown",
    published: str = "unknown",
    url: str | None = None,
    kind: str = "news",
    archived: str | None = None,
) -> int:
    """Archive `file` under seeds/ as a new, pinned source and append its entry."""
    if not ID_PATTERN.fullmatch(source_id):
        return _refuse(
            f"`{source_id}` is not a valid id",
            "ids are kebab-case: lower-case "
            "letters, digits and single hyphens, e.g. `bbc-kyiv-summit`",
            EXIT_USAGE,
        )
    for name, value in (("--published", published), ("--archived", archived)):
        if value is not None and value != "unknown" and parse_date(value) is None:
            return _refuse(
                f"{name} `{value}` is not a date",
                "write YYYY-MM-DD or YYYY-MM"
                + (", or leave it `unknown`" if name == "--published" else ""),
                EXIT_USAGE,
            )
    if url is not None and not url.startswith(("https://", "http://")):
        return _refuse(
            f"--url `{url}` is not a web address",
            "give the full https://... address, or leave --url out",
            EXIT_USAGE,
        )
    if not title.strip() or not title.isprintable():
        return _refuse(
            "--title must be visible text", "give the document's own headline", EXIT_USAGE
        )
    try:
        data = file.read_bytes()
    except OSError as exc:
        return _refuse(f"cannot read {file}: {exc.strerror}", "check the path", EXIT_USAGE)
    project = load_project(root)
    pins = read_pins(project.sources)
    if source_id in {p.source for p in pins} or source_id in _retired_ids(root):
        return _refuse(
            f"the id `{source_id}` is in use already",
            "choose another id: a source's id stays its URL for good",
        )
    try:
        archived_copy = capture(file.name, data)
    except CaptureError as exc:
        return _refuse(f"{file}: {exc}", exc.hint)
    digests = _archived_digests(root, pins)
    for candidate in (data, archived_copy.text):
        held = digests.get(hashlib.sha256(candidate).hexdigest())
        if held is not None:
            return _refuse(
                f"{file} is archived already, as {held}",
                "cite that source; archive a file again only when it changed",
            )
    text_digest = hashlib.sha256(archived_copy.text).hexdigest()
    stem = f"seeds/{_next_number(root):03d}_{text_digest[:16]}"
    text_rel = f"{stem}.txt"
    raw_rel = f"{stem}{file.suffix.lower()}" if archived_copy.raw is not None else None
    entry = _entry(
        source_id,
        title,
        outlet,
        published,
        kind,
        text_rel,
        text_digest,
        raw_rel,
        hashlib.sha256(data).hexdigest(),
        archived or date.today().isoformat(),
        url,
    )
    comment = _comment(file.name, data, archived_copy, text_rel, raw_rel)
    sources = root / SOURCES_FILE
    old = sources.read_text(encoding="utf-8") if sources.exists() else ""
    new = old.rstrip("\n") + ("\n\n" if old.strip() else "") + comment + entry
    (root / "seeds").mkdir(exist_ok=True)
    _write_atomically(root / text_rel, archived_copy.text)
    if raw_rel is not None and archived_copy.raw is not None:
        _write_atomically(root / raw_rel, archived_copy.raw)
    _write_atomically(sources, new.encode("utf-8"))
    print(f"archived {file} as {text_rel}" + (f" (raw bytes kept as {raw_rel})" if raw_rel else ""))
    print(f"added source `{source_id}` to {SOURCES_FILE}, pinned at sha256 {text_digest}")
    print(f'next: cite it with `briefing cite {source_id} "some words"`')
    return EXIT_OK


def _retired_ids(root: Path) -> set[str]:
    """Source ids no new source may take: withdrawn ones and old ids of renamed ones, whose
    URLs keep their pages."""
    from builder.snapshots import snapshot_of_tree

    return snapshot_of_tree(root).published("source")


def _archived_digests(root: Path, pins: Sequence[Pin]) -> dict[str, str]:
    """Digest -> what holds it, for every recorded pin and every file under seeds/."""
    held: dict[str, str] = {}
    seeds = root / "seeds"
    for path in sorted(seeds.rglob("*")) if seeds.is_dir() else []:
        digest = digest_of(path) if path.is_file() else None
        if digest is not None:
            held[digest] = path.relative_to(root).as_posix()
    for pin in pins:
        if pin.sha256:
            held[pin.sha256] = f"{pin.file} (source `{pin.source}`)"
    return held


def _next_number(root: Path) -> int:
    """One more than the highest `NNN_` prefix under seeds/ (archives keep their order)."""
    numbers = [int(p.name[:3]) for p in (root / "seeds").glob("[0-9][0-9][0-9]_*")]
    return max(numbers, default=-1) + 1


def _entry(
    sid: str,
    title: str,
    outlet: str,
    published: str,
    kind: str,
    file: str,
    digest: str,
    raw: str | None,
    raw_digest: str,
    archived: str,
    url: str | None,
) -> str:
    def q(value: str) -> str:  # a JSON string is a YAML double-quoted scalar
        return json.dumps(value, ensure_ascii=False)

    lines = [
        f"- id: {sid}",
        f"  title: {q(title)}",
        f"  outlet: {q(outlet)}",
        f"  published: {q(published)}",
        f"  kind: {kind}",
        f"  file: {file}",
        f"  sha256: {digest}",
    ]
    if raw is not None:
        lines += [f"  capture: {raw}", f"  capture_sha256: {raw_digest}"]
    lines.append(f"  archived: {q(archived)}")
    if url is not None:
        lines.append(f"  url: {q(url)}")
    return "\n".join(lines) + "\n"


def _comment(name: str, data: bytes, archived: Capture, text_rel: str, raw_rel: str | None) -> str:
    """What was archived and how, written above the new entry for the editor to check."""
    text = archived.text.decode("utf-8")
    first = " ".join(text.split()[:12])
    if archived.raw is not None:
        what = (
            f"# Archived by `briefing sources add` from {name} ({archived.kind}, "
            f"{len(data):,} bytes, kept as {raw_rel}):\n# the article text extracted by "
            f"{archived.extractor}: {len(text):,} characters in "
            f"{text.count(chr(10)):,} lines, into {text_rel}.\n"
        )
    else:
        what = (
            f"# Archived by `briefing sources add` from {name} ({archived.kind}, "
            f"{len(data):,} bytes, kept as it was) into {text_rel}.\n"
        )
    return what + f"# It begins: {json.dumps(first, ensure_ascii=False)}\n"
