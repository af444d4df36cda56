"""Source pins: the SHA-256 each source records of its archived file, and what became of every
quote citing a file that no longer matches its pin.

Goes in: the raw project (`load`), and the pinned version of a file from git when there is
one. Comes out: `Pin`s read from `content/sources.yaml`, `QuoteFate`s (unchanged, moved,
ambiguous, missing: the closest passage offered, never accepted), and the problems a build
reports for a file that changed under its pin.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from builder.errors import Problem
from builder.libyaml import parse_yaml
from builder.load import Mapping, Node, RawFile, RawProject, RawText, Scalar, Sequence
from builder.quotes import SourceIndex

DIGEST = re.compile(r"[0-9a-f]{64}")
SOURCES_FILE = "content/sources.yaml"
HISTORY_DEPTH = 200
"""How many commits back the pinned version of a changed file is looked for."""


@dataclass(frozen=True, slots=True)
class Pin:
    """One archived file of a source and the digest recorded for it (`sha256`, or
    `capture_sha256` for a raw capture); `sha256` is empty when none is recorded yet."""

    source: str
    file: str
    sha256: str
    field: str
    """`sha256` or `capture_sha256`: the field that records (or would record) the digest."""
    line: int
    """Where the digest is written in content/sources.yaml, else where the entry's
    `file` (or `capture`) is, so that a new `sha256:` line goes right below it."""
    column: int


def digest_of(path: Path) -> str | None:
    """The file's SHA-256 as 64 hex digits; None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def read_pins(raw: RawFile, problems: list[Problem] | None = None) -> list[Pin]:
    """Every source's archived files with their recorded digests (empty when none yet), in
    file order. A malformed digest gets a problem (when `problems` is given) and counts as
    unpinned; other mistakes of the file are `validate`'s to report."""
    pins: list[Pin] = []
    if not isinstance(raw.node, Sequence):
        return pins
    for item in raw.node.items:
        if not isinstance(item, Mapping):
            continue
        sid = item.text("id")
        for file_key, digest_key in (("file", "sha256"), ("capture", "capture_sha256")):
            file = item.text(file_key)
            if not sid or not file:
                continue
            entry = item.entries.get(digest_key)
            digest = item.text(digest_key) or ""
            where = entry.value if entry is not None else item.entries[file_key]
            if digest and not DIGEST.fullmatch(digest):
                if problems is not None:
                    problems.append(
                        Problem(
                            raw.path,
                            where.line,
                            where.column,
                            f"{sid}.{digest_key}",
                            f"`{digest}` is not a SHA-256 digest (64 lower-case hex digits)",
                            hint=f"run `briefing sources pin {sid}` to record it",
                        )
                    )
                digest = ""
            pins.append(Pin(sid, file, digest, digest_key, where.line, where.column))
    return pins


class Fate(StrEnum):
    """What became of a quote when its source file changed."""

    UNCHANGED = "unchanged"
    """Found once, at the same place as in the pinned version."""
    MOVED = "moved"
    """Found once, elsewhere (or where the pinned version is not known to compare)."""
    AMBIGUOUS = "ambiguous"
    """Found several times: it can no longer be anchored to one passage."""
    MISSING = "missing"
    """Not found; the closest passage is only a suggestion."""

    @property
    def blocks_pinning(self) -> bool:
        return self in (Fate.AMBIGUOUS, Fate.MISSING)


@dataclass(frozen=True, slots=True)
class CitingQuote:
    """A citation of one source, as written in a fact file."""

    fact: str
    number: int
    """1-based place among the fact's citations."""
    quote: str
    file: str
    line: int
    """Line of the quote in the fact file."""


@dataclass(frozen=True, slots=True)
class QuoteFate:
    quote: CitingQuote
    fate: Fate
    was_line: int
    """Line of the passage in the pinned version (0 when unknown)."""
    now_line: int
    """Line of the passage (or of the closest passage) in the file as it is now; 0: none."""
    occurrences: int
    suggestion: str = ""
    """For a missing quote, the closest passage of the file as it is now."""

    def describe(self) -> str:
        """One line: the fate, the fact and citation, where the quote is written, and where
        its passage is now."""
        q = self.quote
        head = f"{self.fate.value:<9}  {q.fact} [{q.number}]  {q.file}:{q.line}"
        if self.fate is Fate.UNCHANGED:
            return f"{head}  (line {self.now_line})"
        if self.fate is Fate.MOVED:
            was = f"line {self.was_line}" if self.was_line else "an unknown place"
            return f"{head}  from {was} to line {self.now_line}"
        if self.fate is Fate.AMBIGUOUS:
            return f"{head}  now occurs {self.occurrences} times"
        if self.suggestion:
            return (
                f"{head}  closest passage (line {self.now_line}, a suggestion only): "
                f"\u201c{self.suggestion}\u201d"
            )
        return f"{head}  nothing like it is left in the file"


def citing_quotes(facts: Iterable[RawText], source_id: str) -> list[CitingQuote]:
    """Every citation of `source_id` in the fact files, parsed here (only when a pin failed
    or is being renewed: the build proper does not come this way)."""
    found: list[CitingQuote] = []
    for raw in facts:
        if raw.text is None:
            continue
        node = parse_yaml(raw.text, raw.path, [])
        for fact in node.items if isinstance(node, Sequence) else ():
            if not isinstance(fact, Mapping):
                continue
            fid = fact.text("id") or "?"
            cites = fact.entries.get("citations")
            items: list[Node] = (
                cites.value.items if cites is not None and isinstance(cites.value, Sequence) else []
            )
            for number, cite in enumerate(items, 1):
                if not isinstance(cite, Mapping) or cite.text("source") != source_id:
                    continue
                quote = cite.entries.get("quote")
                if quote is not None and isinstance(quote.value, Scalar) and quote.value.value:
                    found.append(
                        CitingQuote(fid, number, quote.value.value, raw.path, quote.value.line)
                    )
    return found


def quote_fates(
    old_text: str | None, new_text: str, quotes: Iterable[CitingQuote]
) -> list[QuoteFate]:
    """Each quote's fate in `new_text`, compared with its place in `old_text` (the pinned
    version; None when it is not known, and then a quote found once counts as moved)."""
    new = SourceIndex(new_text)
    old = SourceIndex(old_text) if old_text is not None else None
    fates: list[QuoteFate] = []
    for q in quotes:
        now = new.find(q.quote)
        before = old.find(q.quote) if old is not None else []
        was_line = old.line_of(before[0].start) if old is not None and len(before) == 1 else 0
        if len(now) == 1:
            same = (
                old is not None
                and len(before) == 1
                and before[0].start == now[0].start
                and old.passage(before[0]) == new.passage(now[0])
            )
            fates.append(
                QuoteFate(
                    q,
                    Fate.UNCHANGED if same else Fate.MOVED,
                    was_line,
                    new.line_of(now[0].start),
                    1,
                )
            )
        elif now:
            fates.append(
                QuoteFate(q, Fate.AMBIGUOUS, was_line, new.line_of(now[0].start), len(now))
            )
        else:
            closest = new.closest(q.quote)
            if closest is not None and closest.score >= 50:
                passage = " ".join(new.passage(closest).split())
                fates.append(
                    QuoteFate(q, Fate.MISSING, was_line, new.line_of(closest.start), 0, passage)
                )
            else:
                fates.append(QuoteFate(q, Fate.MISSING, was_line, 0, 0))
    return fates


def pinned_version(root: Path, file: str, digest: str) -> bytes | None:
    """The bytes of `file` as last committed with this digest, from the project's git
    history (None without git, or when no recent commit holds that version)."""
    from builder import gitrepo

    try:
        if not gitrepo.is_repository(root):
            return None
        found = gitrepo.commits(root, [file], limit=HISTORY_DEPTH)
        blobs = gitrepo.read_files(root, ((c.id, file) for c in found))
    except gitrepo.GitError:
        return None
    for commit in found:
        data = blobs.get((commit.id, file))
        if data is not None and hashlib.sha256(data).hexdigest() == digest:
            return data
    return None


def text_of(data: bytes | None) -> str | None:
    """Archived bytes as the build reads them (UTF-8, BOM dropped, newlines as LF)."""
    if data is None:
        return None
    from builder.load import decode

    return decode(data, "", [])


def check_pins(project: RawProject) -> list[Problem]:
    """A problem for every archived file that no longer matches its recorded digest, with
    the expected and actual digest and the fate of each quote citing it."""
    problems: list[Problem] = []
    for pin in read_pins(project.sources, problems):
        if not pin.sha256:
            continue
        actual = digest_of(project.root / pin.file)
        if actual is None and pin.field == "capture_sha256":
            problems.append(
                Problem(
                    SOURCES_FILE,
                    pin.line,
                    pin.column,
                    f"{pin.source}.capture",
                    f"raw capture `{pin.file}` not found",
                    hint="restore it from git, or remove `capture` and `capture_sha256`",
                )
            )
        if actual is None or actual == pin.sha256:
            continue  # a missing text file is reported by validate, with a did-you-mean
        problems.append(mismatch_problem(project, pin, actual))
    return problems


def mismatch_problem(project: RawProject, pin: Pin, actual: str) -> Problem:
    """The problem of a file that changed under its pin, naming every citing fact."""
    message = f"{pin.file} does not match its pin: expected sha256 {pin.sha256}, actual {actual}"
    where = (SOURCES_FILE, pin.line, pin.column, f"{pin.source}.{pin.field}", message)
    if pin.field == "capture_sha256":
        return Problem(
            *where,
            hint="raw captures never change: restore the file from git "
            f"(`git checkout -- {pin.file}`)",
        )
    text = project.seeds.get(pin.file)
    fates = quote_fates(
        text_of(pinned_version(project.root, pin.file, pin.sha256)),
        text or "",
        citing_quotes(project.facts, pin.source),
    )
    excerpt = (
        "citing facts:\n" + "\n".join("  " + f.describe() for f in fates)
        if fates
        else "no fact cites it"
    )
    return Problem(
        *where,
        hint=f"restore the file (`git checkout -- {pin.file}`), or if it was "
        f"re-archived on purpose run `briefing sources pin {pin.source}`",
        excerpt=excerpt,
    )
