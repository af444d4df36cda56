"""Raw records -> the typed `Briefing`, or every problem found (never just the first).

Goes in: a `RawProject` from `load`. Comes out: a `Briefing` (when there is no error) and
the list of `Problem`s, warnings included. Every problem names the file, line, column and
field, says what was expected, and how to fix it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple, TypeVar

from builder.disputes import settle_statuses
from builder.errors import Problem, Severity
from builder.events import settle_events
from builder.fold import broken_files, fold
from builder.lints import LintMemo, lint_briefing
from builder.load import (
    Entry,
    Mapping,
    Node,
    ParseCache,
    RawFile,
    RawPage,
    RawProject,
    RawText,
    Scalar,
    Sequence,
    parse_yaml,
)
from builder.model import (
    Actor,
    ActorKind,
    Briefing,
    Citation,
    Correction,
    Dispute,
    DisputeKind,
    Event,
    Fact,
    KeyPoint,
    Lint,
    LintWaiver,
    Page,
    PartialDate,
    Position,
    PositionIssue,
    Site,
    Source,
    SourceKind,
    Stance,
    Status,
    Topic,
    Withdrawn,
)
from builder.pinning import check_pins
from builder.quotes import SourceIndex
from builder.urls import (
    BASE_URL_HINT,
    RESERVED_SLUGS,
    base_url_problem,
    normalise_base_url,
)

ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
DATE_PATTERN = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
CITE_PATTERN = re.compile(r"\[@([^\]\s]*)\]")
MAX_FIELD_CHARS = 5_000
"""A claim, title or quote longer than this is refused: it is surely a paste gone wrong."""
MAX_BODY_CHARS = 200_000
"""A page's markdown prose longer than this is refused (markdown rendering is slow on huge,
pathological text; a briefing page is a few thousand characters)."""
BUILTIN_PAGES = frozenset(("timeline", "disputes", "sources", "actors", "search", "how-to-read"))
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters and bidi overrides/isolates: invisible, and able to make text display
in another order than it reads ("Trojan Source"); refused in every text field."""
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

T = TypeVar("T")

SITE_FIELDS = (
    "title",
    "description",
    "language",
    "base_url",
    "as_of",
    "nav",
    "topics",
    "issues",
    "author",
    "events",
    "main_event",
    "matrix_order",
)
SOURCE_FIELDS = (
    "id",
    "title",
    "outlet",
    "published",
    "kind",
    "file",
    "url",
    "cites",
    "strand",
    "notes",
    "sha256",
    "capture",
    "capture_sha256",
    "archived",
    "covers",
    "aliases",
)
ACTOR_FIELDS = ("id", "name", "kind", "aliases", "role", "country", "positions", "former_ids")
POSITION_FIELDS = ("stance", "facts", "note")
FACT_FIELDS = (
    "id",
    "claim",
    "topic",
    "date",
    "actors",
    "citations",
    "status",
    "disputes",
    "event",
    "lint_ok",
    "corrections",
    "minor",
    "aliases",
)
CORRECTION_FIELDS = ("date", "what", "why")
WITHDRAWN_FIELDS = ("id", "kind", "date", "reason", "title")
RETIRABLE = ("fact", "actor", "source")
CITATION_FIELDS = ("source", "quote")
DISPUTE_FIELDS = ("fact", "kind", "note")
LINT_OK_FIELDS = ("lint", "reason")
EVENT_FIELDS = ("id", "label", "description")
PAGE_FIELDS = ("title", "summary", "order", "facts", "topic", "glance", "diagram")
KEY_POINT_FIELDS = ("label", "text", "facts")
TOPIC_FIELDS = ("id", "title", "summary")
ISSUE_FIELDS = ("id", "title")


class _Ref(NamedTuple):
    """An id mentioned somewhere, to be checked once everything is known."""

    kind: str
    value: str
    file: str
    line: int
    column: int
    field: str


@dataclass
class _Reader:
    """Typed access to located nodes, recording a problem for every mismatch."""

    file: str
    problems: list[Problem]

    def problem(
        self,
        node: Node | Entry | None,
        field: str,
        message: str,
        hint: str = "",
        severity: Severity = Severity.ERROR,
        excerpt: str = "",
    ) -> None:
        line = node.line if node is not None else 0
        column = node.column if node is not None else 0
        self.problems.append(
            Problem(self.file, line, column, field, message, hint, severity, excerpt)
        )

    def missing(self, node: Node | None, message: str, hint: str) -> bool:
        """True when a file has no content; says so unless reading it already failed."""
        if node is not None:
            return False
        if not any(p.file == self.file for p in self.problems):
            self.problem(None, "", message, hint=hint)
        return True

    def mapping(self, node: Node | None, field: str, what: str) -> Mapping | None:
        if isinstance(node, Mapping):
            return node
        self.problem(
            node,
            field,
            f"expected {what} (a mapping of `name: value` lines)",
            hint=f"write {what} as indented `name: value` lines",
        )
        return None

    def sequence(self, node: Node | None, field: str, what: str) -> list[Node]:
        if isinstance(node, Sequence):
            return node.items
        if node is None or (isinstance(node, Scalar) and node.value is None):
            return []
        self.problem(
            node,
            field,
            f"expected a list of {what}",
            hint=f"write `{field.rsplit('.', 1)[-1]}: [a, b]` or one `- item` per line",
        )
        return []

    def fields(self, node: Mapping, allowed: Iterable[str], prefix: str) -> None:
        """Unknown keys get a did-you-mean hint; invisible characters are named."""
        allowed = tuple(allowed)
        for key, entry in node.entries.items():
            if key in allowed:
                continue
            where = f"{prefix}{key}"
            visible = _INVISIBLE.sub("", key)
            if visible != key:
                chars = ", ".join(f"U+{ord(c):04X}" for c in _INVISIBLE.findall(key))
                self.problem(
                    entry,
                    where,
                    f"field name `{visible}` contains invisible character(s) {chars}",
                    hint=f"retype the name `{visible}`",
                )
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = (
                f"did you mean `{close[0]}`?"
                if close
                else "allowed fields: " + ", ".join(f"`{a}`" for a in allowed)
            )
            self.problem(entry, where, f"unknown field `{key}`", hint=hint)

    def text(
        self, node: Mapping, key: str, prefix: str, *, required: bool = True, what: str = "text"
    ) -> str | None:
        entry = node.entries.get(key)
        value = entry.value if entry is not None else None
        if (
            type(value) is Scalar
            and value.value
            and len(value.value) <= MAX_FIELD_CHARS
            and value.value.isprintable()
            and not value.value.isspace()
        ):
            return value.value  # the common case: short visible text
        where = f"{prefix}{key}"
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.value is None):
            if required:
                self.problem(
                    entry or node,
                    where,
                    f"missing required field `{key}`",
                    hint=f"add `{key}: <{what}>`",
                )
            return None
        value = entry.value
        if not isinstance(value, Scalar):
            self.problem(
                value,
                where,
                f"`{key}` must be {what}, not a "
                f"{'list' if isinstance(value, Sequence) else 'mapping'}",
                hint="write it on one line after the colon (quote it if needed)",
            )
            return None
        text = value.value or ""
        if required and not text.strip():
            self.problem(
                value,
                where,
                f"`{key}` is empty",
                hint=f"write the {what} after `{key}:` (or delete the line if it is optional)",
            )
            return None
        if len(text) > MAX_FIELD_CHARS:
            self.problem(
                value,
                where,
                f"`{key}` is {len(text):,} characters long; the limit is {MAX_FIELD_CHARS:,}",
                hint="shorten it",
            )
            return None
        if not self.visible(value, where, text):
            return None
        return text

    def visible(self, node: Node, where: str, text: str) -> bool:
        """False (with a problem) when the text hides control or bidi-override characters."""
        if text.isprintable():  # every hidden character is unprintable
            return True
        hidden = _HIDDEN.search(text)
        if hidden is None:
            return True
        self.problem(
            node,
            where,
            f"`{where}` contains the invisible control character "
            f"U+{ord(hidden.group()):04X} at character {hidden.start() + 1}",
            hint="delete it (retype the words around it): control and bidi characters "
            "can make text display differently from what it says",
        )
        return False

    def ident(self, node: Mapping, key: str, prefix: str, *, required: bool = True) -> str | None:
        value = self.text(node, key, prefix, required=required, what="an id")
        if value is None:
            return None
        if not ID_PATTERN.fullmatch(value):
            self.problem(
                node.entries[key].value,
                f"{prefix}{key}",
                f"`{value}` is not a valid id",
                hint="ids are kebab-case: lower-case letters, digits and single "
                f"hyphens, starting with a letter, e.g. `{_suggest_id(value)}`",
            )
            return None
        return value

    def ids(
        self, node: Mapping, key: str, prefix: str, kind: str, refs: list[_Ref]
    ) -> tuple[str, ...]:
        entry = node.entries.get(key)
        if entry is None:
            return ()
        out: list[str] = []
        value = entry.value
        items = (
            [value]
            if isinstance(value, Scalar) and value.value is not None
            else self.sequence(value, f"{prefix}{key}", f"{kind} ids")
        )
        for i, item in enumerate(items):
            where = f"{prefix}{key}[{i + 1}]" if not isinstance(value, Scalar) else f"{prefix}{key}"
            if not isinstance(item, Scalar) or item.value is None:
                self.problem(item, where, f"expected a {kind} id", hint="write the id as text")
                continue
            if not ID_PATTERN.fullmatch(item.value):
                self.problem(
                    item,
                    where,
                    f"`{item.value}` is not a valid {kind} id",
                    hint=f"ids are kebab-case, e.g. `{_suggest_id(item.value)}`",
                )
                continue
            if item.value in out:
                self.problem(
                    item,
                    where,
                    f"{kind} `{item.value}` is listed twice in `{key}`",
                    hint="delete the second mention",
                )
                continue
            refs.append(_Ref(kind, item.value, self.file, item.line, item.column, where))
            out.append(item.value)
        return tuple(out)

    def strings(self, node: Mapping, key: str, prefix: str) -> tuple[str, ...]:
        entry = node.entries.get(key)
        if entry is None:
            return ()
        out = []
        for i, item in enumerate(self.sequence(entry.value, f"{prefix}{key}", "names")):
            if isinstance(item, Scalar) and item.value is not None:
                if self.visible(item, f"{prefix}{key}[{i + 1}]", item.value):
                    out.append(item.value)
            else:
                self.problem(
                    item,
                    f"{prefix}{key}[{i + 1}]",
                    "expected a name (text)",
                    hint="write each entry as text",
                )
        return tuple(out)

    def choice(
        self,
        node: Mapping,
        key: str,
        prefix: str,
        enum: type[T],
        *,
        required: bool = True,
        default: T | None = None,
    ) -> T | None:
        value = self.text(node, key, prefix, required=required, what="a choice")
        if value is None:
            return default
        options = [m.value for m in enum]  # type: ignore[attr-defined]
        if value in options:
            return enum(value)  # type: ignore[call-arg]
        close = difflib.get_close_matches(value.lower(), options, n=1, cutoff=0.5)
        hint = f"did you mean `{close[0]}`? " if close else ""
        self.problem(
            node.entries[key].value,
            f"{prefix}{key}",
            f"`{value}` is not a valid {key}",
            hint=hint + "expected one of: " + ", ".join(f"`{o}`" for o in options),
        )
        return default

    def date(
        self,
        node: Mapping,
        key: str,
        prefix: str,
        *,
        required: bool = False,
        unknown_ok: bool = False,
    ) -> PartialDate | None:
        value = self.text(node, key, prefix, required=required, what="a date")
        if value is None or (unknown_ok and value == "unknown"):
            return None
        parsed = parse_date(value)
        if parsed is None:
            extra = " or `unknown`" if unknown_ok else ""
            self.problem(
                node.entries[key].value,
                f"{prefix}{key}",
                f"`{value}` is not a valid date",
                hint=f"write `YYYY-MM-DD` or `YYYY-MM`{extra}, e.g. `2026-01-06`; "
                "leave the date out when no source states it",
            )
        return parsed

    def integer(self, node: Mapping, key: str, prefix: str, default: int) -> int:
        value = self.text(node, key, prefix, required=False, what="a whole number")
        if value is None:
            return default
        if re.fullmatch(r"-?\d{1,9}", value):
            return int(value)
        self.problem(
            node.entries[key].value,
            f"{prefix}{key}",
            f"`{value}` is not a whole number",
            hint=f"write a number, e.g. `{key}: 3`",
        )
        return default


def parse_date(value: str) -> PartialDate | None:
    """`YYYY-MM-DD` or `YYYY-MM` -> PartialDate; None when malformed or impossible."""
    import calendar

    match = DATE_PATTERN.fullmatch(value.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else 0
    if not 1 <= month <= 12 or year < 1:
        return None
    if match.group(3) and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return PartialDate(year, month, day)


def _suggest_id(value: str) -> str:
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if not slug or not slug[0].isalpha():
        slug = "x-" + slug if slug else "my-id"
    return slug


@dataclass
class _State:
    """Everything collected while validating, before cross-references are checked."""

    problems: list[Problem] = field(default_factory=list)
    refs: list[_Ref] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    indexes: dict[str, SourceIndex] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    places: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    """(kind, id) -> (file, line) of the first definition, for duplicate-id messages."""


Spread = Callable[[Callable[[RawText], "FactFile"], list[RawText]], list["FactFile"]]
"""How fact files are shared out: `fork_map` (from `parallel`, a later stage) or a plain loop."""

SPREAD_MIN_CHARS = 300_000
"""Fact files are checked by several processes only when at least this much text is to be
checked (a few files' worth): below it, starting a process costs more than it saves."""


def validate(
    project: RawProject, *, cache: ParseCache | None = None, spread: Spread | None = None
) -> tuple[Briefing | None, list[Problem]]:
    """Check everything; return the Briefing when there is no error, and all problems.

    Each fact file is parsed and checked on its own against the sources (`check_fact_file`),
    by `spread` when given; with a `cache`, a file whose text and sources did not change is
    not checked again. Ids and references across files are checked afterwards, here."""
    state = _State(problems=list(project.problems))
    site = _site(project.site, state)
    sources, actors = project.sources, project.actors
    _stage(
        "sources",
        (sources.path, sources.node, tuple(project.seeds.items())),
        lambda fresh: _sources(sources, project.seeds, fresh),
        state,
        cache,
    )
    _stage("actors", (actors.path, actors.node), lambda fresh: _actors(actors, fresh), state, cache)
    context = _context(state, cache)
    units = _fact_files(project.facts, context, cache, spread)
    for unit in units:
        state.problems.extend(unit.problems)
        state.refs.extend(unit.refs)
        for fid, line, column, fact in unit.defined:
            # An invalid fact still claims its id, so references to it are not reported twice.
            if _define(state, "fact", fid, unit.path, line, column) and fact is not None:
                state.facts[fid] = fact
    pages = [p for p in (_page(raw, state) for raw in project.pages) if p is not None]
    _check_refs(state, site, pages)
    _check_countries(project.actors.path, state)
    withdrawn = _withdrawn(project.withdrawn, state) if project.withdrawn is not None else []
    _check_retired(state, withdrawn, project.withdrawn)
    state.problems.extend(check_pins(project))
    facts = _settle(state, site)
    state.problems = _folded(state.problems, project, units)
    errors = any(p.is_error for p in state.problems)
    if errors or site is None:
        return None, state.problems
    # The preview's last briefing lends its indexes to this one where they are the same.
    previous = cache.made("briefing", None) if cache is not None else None
    briefing = Briefing.assemble(
        site,
        state.sources.values(),
        state.actors.values(),
        facts,
        pages,
        previous=previous if isinstance(previous, Briefing) else None,
    )
    if withdrawn:
        briefing = replace(briefing, withdrawn=tuple(withdrawn))
    if cache is not None:
        cache.keep("briefing", None, briefing)
    memo = cache.made("lints", None) if cache is not None else None
    if not isinstance(memo, LintMemo):
        memo = LintMemo()
        if cache is not None:
            cache.keep("lints", None, memo)
    state.problems.extend(lint_briefing(briefing, memo))
    return briefing, state.problems


def _folded(problems: list[Problem], project: RawProject, units: list[FactFile]) -> list[Problem]:
    """`fold.fold`: references to ids a broken file would define are counted at that file,
    not reported one by one; a seed that exists but cannot be read is not also missing."""
    broken = broken_files(
        problems,
        {
            project.site.path: project.site.node is not None,
            project.actors.path: project.actors.node is not None,
            project.sources.path: project.sources.node is not None,
            **{unit.path: bool(unit.defined) for unit in units},
        },
    )
    by_kind = {
        kind: sorted(broken & {path})
        for kind, path in (
            ("topic", project.site.path),
            ("issue", project.site.path),
            ("event", project.site.path),
            ("actor", project.actors.path),
            ("source", project.sources.path),
        )
    }
    by_kind["fact"] = sorted(broken & {unit.path for unit in units})
    unreadable = {p.file for p in project.problems if p.file.startswith("seeds/")}
    return fold(problems, by_kind, unreadable)


def _settle(state: _State, site: Site | None) -> list[Fact]:
    """The facts with what depends on other files settled: each one's event (from the
    sources it cites) and status (from the disputes that name it), with their problems."""
    places = {
        (ref.file, ref.field): (ref.line, ref.column) for ref in state.refs if ref.kind == "event"
    }
    facts, problems = settle_statuses(state.facts.values())
    state.problems.extend(problems)
    if site is not None:
        facts, problems = settle_events(site, state.sources, facts, places)
        state.problems.extend(problems)
    return facts


def _withdrawn(raw: RawFile, state: _State) -> list[Withdrawn]:
    """`content/withdrawn.yaml`: published ids taken down, each with date and reason."""
    r = _Reader(raw.path, state.problems)
    found: list[Withdrawn] = []
    for i, node in _list_of_records(raw, state, "withdrawn ids"):
        wid = r.ident(node, "id", f"[{i}].")
        p = f"{wid}." if wid else f"[{i}]."
        r.fields(node, WITHDRAWN_FIELDS, p)
        kind = r.text(node, "kind", p, what="`fact`, `actor` or `source`")
        if kind is not None and kind not in RETIRABLE:
            r.problem(
                node.entries["kind"].value,
                f"{p}kind",
                f"`{kind}` is not a kind of id that can be withdrawn",
                hint="write `fact`, `actor` or `source`",
            )
            kind = None
        when = r.date(node, "date", p, required=True)
        reason = r.text(node, "reason", p, what="why it was withdrawn, in a sentence")
        title = r.text(node, "title", p, required=False) or ""
        if (
            wid
            and kind
            and when is not None
            and reason is not None
            and _define(state, f"withdrawn {kind}", wid, r.file, node.line, node.column)
        ):
            found.append(Withdrawn(kind, wid, when, reason, title))
    return sorted(found, key=lambda w: (w.kind, w.id))


def _check_retired(state: _State, withdrawn: list[Withdrawn], raw: RawFile | None) -> None:
    """A withdrawn id is no live id, and an old id (`aliases`, `former_ids`) points to one
    successor that is neither live nor withdrawn."""
    live: dict[str, set[str]] = {
        "fact": set(state.facts),
        "actor": set(state.actors),
        "source": set(state.sources),
    }
    for w in withdrawn:
        if w.id in live[w.kind]:
            line, column = state.places.get((f"withdrawn {w.kind}", w.id), ("", 0))[1], 0
            state.problems.append(
                Problem(
                    raw.path if raw else "",
                    line,
                    column,
                    f"{w.id}.id",
                    f"the {w.kind} `{w.id}` is listed as withdrawn but is still published",
                    hint=f"remove it from {raw.path if raw else 'withdrawn.yaml'}, or the "
                    f"{w.kind} itself",
                )
            )
    gone = {(w.kind, w.id) for w in withdrawn}
    claimed: dict[tuple[str, str], str] = {}
    olds = [("fact", f.id, f.aliases) for f in state.facts.values()]
    olds += [("actor", a.id, a.former_ids) for a in state.actors.values()]
    olds += [("source", s.id, s.aliases) for s in state.sources.values()]
    for kind, new, old_ids in olds:
        for old in old_ids:
            clash = (
                "is still a live id"
                if old in live[kind]
                else "is listed as withdrawn"
                if (kind, old) in gone
                else f"is an old id of `{claimed[(kind, old)]}` too"
                if (kind, old) in claimed
                else ""
            )
            claimed.setdefault((kind, old), new)
            if clash:
                file, line = state.places.get((kind, new), ("", 0))
                state.problems.append(
                    Problem(
                        file,
                        line,
                        0,
                        f"{new}.{'former_ids' if kind == 'actor' else 'aliases'}",
                        f"the old {kind} id `{old}` {clash}",
                        hint="an old id redirects to exactly one successor: remove it here or "
                        "there",
                    )
                )


def _stage(
    name: str,
    read: object,
    stage: Callable[[_State], None],
    state: _State,
    cache: ParseCache | None,
) -> None:
    """Add to `state` what `stage` finds (sources, actors, their ids, references and
    problems), or what it found last time from equal inputs (`read`): the preview after an
    edit elsewhere. The stage runs on a state of its own, which it alone fills."""
    kept = cache.made(name, read) if cache is not None else None
    if not isinstance(kept, _State):
        kept = _State()
        stage(kept)
        if cache is not None:
            cache.keep(name, read, kept)
    state.problems.extend(kept.problems)
    state.refs.extend(kept.refs)
    state.sources.update(kept.sources)
    state.actors.update(kept.actors)
    state.places.update(kept.places)


@dataclass(frozen=True, slots=True)
class Context:
    """What checking a fact file needs from elsewhere: the valid sources, each with its index.
    `digest` changes whenever anything a fact file's check reads from them changes; it is
    empty without a `ParseCache`, the only reader of it."""

    sources: dict[str, Source]
    indexes: dict[str, SourceIndex]
    digest: str


@dataclass(frozen=True, slots=True)
class FactFile:
    """One fact file, parsed and checked on its own."""

    path: str
    defined: tuple[tuple[str, int, int, Fact | None], ...]
    """Every fact id the file defines, in order: (id, line, column, the fact if valid)."""
    problems: tuple[Problem, ...]
    refs: tuple[_Ref, ...]
    """Ids it mentions (topics, actors, facts, unknown sources), checked once all are known."""

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled (from a worker process) with its facts as plain tuples: several times
        cheaper to pickle and unpickle than the objects themselves."""
        defined = tuple(
            (fid, line, column, _pack(fact) if fact is not None else None)
            for fid, line, column, fact in self.defined
        )
        refs = tuple(map(tuple, self.refs))  # a named tuple pickles slowly
        return _unpack_fact_file, (self.path, defined, self.problems, refs)


_Packed = tuple[
    str,
    str,
    str,
    tuple[int, int, int] | None,
    tuple[str, ...],
    tuple[tuple[str, str, int, int, int, int, str, str], ...],
    str,
    tuple[tuple[str, str, str], ...],
    str,
    int,
    str,
    tuple[tuple[str, str], ...],
    tuple[tuple[Correction, ...], bool, tuple[str, ...]],
]
_STATUSES = {status.value: status for status in Status}


def _pack(f: Fact) -> _Packed:
    d = f.date
    return (
        f.id,
        f.claim,
        f.topic,
        (d.year, d.month, d.day) if d else None,
        f.actors,
        tuple(
            (c.source, c.quote, c.number, c.start, c.end, c.line, c.anchor, c.passage)
            for c in f.citations
        ),
        f.status.value,
        tuple((x.fact, x.kind.value, x.note) for x in f.disputes),
        f.file,
        f.line,
        f.event,
        tuple((w.lint.value, w.reason) for w in f.lint_ok),
        (f.corrections, f.minor, f.aliases),
    )


def _unpack(t: _Packed) -> Fact:
    return Fact(
        t[0],
        t[1],
        t[2],
        PartialDate(*t[3]) if t[3] else None,
        t[4],
        tuple(Citation(*c) for c in t[5]),
        _STATUSES[t[6]],
        tuple(Dispute(x[0], DisputeKind(x[1]), x[2]) for x in t[7]),
        t[8],
        t[9],
        t[10],
        tuple(LintWaiver(Lint(w[0]), w[1]) for w in t[11]),
        *t[12],
    )


def _unpack_fact_file(
    path: str,
    defined: tuple[tuple[str, int, int, _Packed | None], ...],
    problems: tuple[Problem, ...],
    refs: tuple[tuple[str, str, str, int, int, str], ...],
) -> FactFile:
    return FactFile(
        path,
        tuple(
            (fid, line, column, _unpack(t) if t is not None else None)
            for fid, line, column, t in defined
        ),
        problems,
        tuple(map(_Ref._make, refs)),
    )


def _context(state: _State, cache: ParseCache | None) -> Context:
    """The sources with their indexes (reused from `cache` while a source's text is the same)."""
    indexes: dict[str, SourceIndex] = {}
    read = tuple(
        (sid, state.sources[sid].file, state.sources[sid].text) for sid in sorted(state.sources)
    )
    for sid, _, text in read:
        kept = cache.made(f"index:{sid}", text) if cache is not None else None
        index = kept if isinstance(kept, SourceIndex) else SourceIndex(text)
        if cache is not None and kept is None:
            cache.keep(f"index:{sid}", text, index)
        indexes[sid] = index
    return Context(dict(state.sources), indexes, _sources_digest(read, cache))


def _sources_digest(read: tuple[tuple[str, str, str], ...], cache: ParseCache | None) -> str:
    """The digest of the sources as read, `(id, file, text)` each, kept in `cache`; empty
    without a cache, its only reader (a one-off build hashes no source text before
    checking can begin)."""
    if cache is None:
        return ""
    # Comparing the texts with the last ones (mostly the very same strings) is quicker
    # than hashing them again.
    known = cache.made("context", read)
    if isinstance(known, str):
        return known
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    for sid, file, text in read:
        digest.update(f"{sid}\0{file}\0{len(text)}\0".encode())
        digest.update(text.encode())
    made = digest.hexdigest()
    cache.keep("context", read, made)
    return made


def _fact_files(
    files: list[RawText], context: Context, cache: ParseCache | None, spread: Spread | None
) -> list[FactFile]:
    """Every fact file checked: from `cache` when unchanged, the others by `spread`."""
    units: dict[str, FactFile] = {}
    todo: list[RawText] = []
    for raw in files:
        kept = cache.made(raw.path, (raw.text, context.digest)) if cache is not None else None
        if isinstance(kept, FactFile):
            units[raw.path] = kept
        else:
            todo.append(raw)

    def one(raw: RawText) -> FactFile:
        return check_fact_file(raw.path, raw.text, context)

    big = sum(len(raw.text or "") for raw in todo) >= SPREAD_MIN_CHARS
    for raw, unit in zip(
        todo, (spread or _loop)(one, todo) if big else map(one, todo), strict=True
    ):
        units[raw.path] = unit
        if cache is not None:
            cache.keep(raw.path, (raw.text, context.digest), unit)
    return [units[raw.path] for raw in files]


def _loop(func: Callable[[RawText], FactFile], inputs: list[RawText]) -> list[FactFile]:
    return [func(x) for x in inputs]


def check_fact_file(path: str, text: str | None, context: Context) -> FactFile:
    """Parse and check one fact file (None: it could not be read, which load reported)."""
    if text is None:
        return FactFile(path, (), (), ())
    state = _State(sources=context.sources, indexes=context.indexes)
    node = parse_yaml(text, path, state.problems)
    r = _Reader(path, state.problems)
    defined: list[tuple[str, int, int, Fact | None]] = []
    for i, record in _list_of_records(RawFile(path, node), state, "facts"):
        fid, fact = _fact(record, i, r, state)
        if fid:
            defined.append((fid, record.line, record.column, fact))
    return FactFile(path, tuple(defined), tuple(state.problems), tuple(state.refs))


def _define(state: _State, kind: str, ident: str, file: str, line: int, column: int) -> bool:
    """Register an id; a duplicate gets a problem naming the first definition."""
    key = (kind, ident)
    first = state.places.get(key)
    if first is not None:
        state.problems.append(
            Problem(
                file,
                line,
                column,
                "id",
                f"duplicate {kind} id `{ident}` (first defined at {first[0]}:{first[1]})",
                hint="ids must be unique across all files: rename one of them",
            )
        )
        return False
    state.places[key] = (file, line)
    return True


def _list_of_records(raw: RawFile, state: _State, what: str) -> list[tuple[int, Mapping]]:
    r = _Reader(raw.path, state.problems)
    if r.missing(
        raw.node,
        f"the file is empty; expected a list of {what}",
        hint=f"add {what} as `- id: ...` entries (see the README's content format)",
    ):
        return []
    if not isinstance(raw.node, Sequence):
        r.problem(
            raw.node,
            "",
            f"expected a list of {what} at the top level",
            hint="start each entry with `- ` at the beginning of the line",
        )
        return []
    out = []
    for i, item in enumerate(raw.node.items):
        node = r.mapping(item, f"[{i + 1}]", f"a {what[:-1]} entry")
        if node is not None:
            out.append((i + 1, node))
    return out


def _site(raw: RawFile, state: _State) -> Site | None:
    r = _Reader(raw.path, state.problems)
    if r.missing(raw.node, "the file is empty", hint="add title, language, base_url, as_of"):
        return None
    node = r.mapping(raw.node, "", "the site settings")
    if node is None:
        return None
    r.fields(node, SITE_FIELDS, "")
    title = r.text(node, "title", "")
    as_of = r.date(node, "as_of", "", required=True)
    topics = [
        Topic(i, t, summary)
        for i, t, summary in _titled(node, "topics", "topic", TOPIC_FIELDS, r, state)
    ]
    if "topics" not in node.entries:
        r.problem(
            node,
            "topics",
            "missing required field `topics`",
            hint="declare the topics facts are filed under: `topics: [{id: ..., title: ...}]`",
        )
    issues = [
        PositionIssue(i, t) for i, t, _ in _titled(node, "issues", "issue", ISSUE_FIELDS, r, state)
    ]
    nav_refs: list[_Ref] = []
    nav = r.ids(node, "nav", "", "page", nav_refs)
    state.refs.extend(nav_refs)
    events = [
        Event(i, label, description)
        for i, label, description in _titled(
            node, "events", "event", EVENT_FIELDS, r, state, title="label", summary="description"
        )
    ]
    main_event = _main_event(node, events, r, state)
    matrix_order = r.ids(node, "matrix_order", "", "actor", state.refs)
    if title is None or as_of is None:
        return None
    return Site(
        title=title,
        description=r.text(node, "description", "", required=False) or "",
        language=r.text(node, "language", "", required=False) or "en",
        base_url=_base_url(node, r),
        as_of=as_of,
        nav=nav,
        topics=tuple(topics),
        issues=tuple(issues),
        author=r.text(node, "author", "", required=False) or "",
        events=tuple(events),
        main_event=main_event,
        matrix_order=matrix_order,
    )


def _main_event(node: Mapping, events: list[Event], r: _Reader, state: _State) -> str:
    """`main_event`: required once events are declared, and one of them."""
    main = r.ident(node, "main_event", "", required=False)
    if main is None:
        if events and "main_event" not in node.entries:
            r.problem(
                node.entries["events"],
                "main_event",
                "missing field `main_event`",
                hint=f"name the event the briefing is about, e.g. `main_event: {events[0].id}`",
            )
        return events[0].id if events else ""
    value = node.entries["main_event"].value
    state.refs.append(_Ref("event", main, r.file, value.line, value.column, "main_event"))
    return main


def _base_url(node: Mapping, r: _Reader) -> str:
    """site.yaml's `base_url`, normalised; refused at its line when a browser could read it
    as another site (the build fails, so the `/` returned then is never used)."""
    value = r.text(node, "base_url", "", required=False) or "/"
    refused = base_url_problem(value)
    if refused is None:
        return normalise_base_url(value)
    r.problem(node.entries["base_url"].value, "base_url", refused, hint=BASE_URL_HINT)
    return "/"


def _titled(
    node: Mapping,
    key: str,
    kind: str,
    allowed: tuple[str, ...],
    r: _Reader,
    state: _State,
    *,
    title: str = "title",
    summary: str = "summary",
) -> list[tuple[str, str, str]]:
    """A list of `{id, title, summary?}` entries (topics, issues; events name them `label`
    and `description`) as (id, title, summary)."""
    out: list[tuple[str, str, str]] = []
    entry = node.entries.get(key)
    for i, item in enumerate(r.sequence(entry.value, key, f"{kind}s") if entry else [], 1):
        t = r.mapping(item, f"{key}[{i}]", f"a {kind}")
        if t is None:
            continue
        r.fields(t, allowed, f"{key}[{i}].")
        ident = r.ident(t, "id", f"{key}[{i}].")
        heading = r.text(t, title, f"{key}[{i}].")
        line = r.text(t, summary, f"{key}[{i}].", required=False) or ""
        if ident and heading is not None and _define(state, kind, ident, r.file, t.line, t.column):
            out.append((ident, heading, line))
    return out


def _sources(raw: RawFile, seeds: dict[str, str], state: _State) -> None:
    r = _Reader(raw.path, state.problems)
    for i, node in _list_of_records(raw, state, "sources"):
        sid = r.ident(node, "id", f"[{i}].")
        p = f"{sid}." if sid else f"[{i}]."
        defined = bool(sid) and _define(state, "source", sid or "", r.file, node.line, node.column)
        r.fields(node, SOURCE_FIELDS, p)
        title = r.text(node, "title", p)
        outlet = r.text(node, "outlet", p, what="the publisher, or `unknown`")
        published = r.date(node, "published", p, required=True, unknown_ok=True)
        kind = r.choice(node, "kind", p, SourceKind)
        file = r.text(node, "file", p, what="a path under seeds/")
        url = r.text(node, "url", p, required=False)
        if url is not None and not re.match(r"https?://[^\s/]+", url):
            r.problem(
                node.entries["url"].value,
                f"{p}url",
                f"`{url}` is not a web address",
                hint="give the full `https://...` address, or leave `url` out",
            )
            url = None
        text = None
        if file is not None:
            text = seeds.get(file)
            if text is None:
                near = difflib.get_close_matches(file, list(seeds), n=1)
                if not file.startswith("seeds/") or ".." in file.split("/"):
                    hint = "source files live under seeds/: write `file: seeds/<name>.txt`"
                else:
                    hint = f"did you mean `{near[0]}`?" if near else "check the file name"
                r.problem(
                    node.entries["file"].value,
                    f"{p}file",
                    f"source file `{file}` not found under seeds/",
                    hint=hint,
                )
        if None in (sid, title, outlet, kind, file, text):
            continue
        assert sid and title is not None and outlet is not None and kind and file and text
        if not defined:
            continue
        strand = r.text(node, "strand", p, required=False) or (
            outlet if outlet != "unknown" else sid
        )
        state.sources[sid] = Source(
            id=sid,
            title=title,
            outlet=outlet,
            published=published,
            kind=kind,
            file=file,
            text=text,
            url=url,
            cites=r.strings(node, "cites", p),
            strand=strand,
            notes=r.text(node, "notes", p, required=False) or "",
            sha256=r.text(node, "sha256", p, required=False) or "",
            archived=r.date(node, "archived", p),
            covers=r.ids(node, "covers", p, "event", state.refs),
            aliases=r.ids(node, "aliases", p, "source", []),
        )


def _actors(raw: RawFile, state: _State) -> None:
    r = _Reader(raw.path, state.problems)
    for i, node in _list_of_records(raw, state, "actors"):
        aid = r.ident(node, "id", f"[{i}].")
        p = f"{aid}." if aid else f"[{i}]."
        defined = bool(aid) and _define(state, "actor", aid or "", r.file, node.line, node.column)
        r.fields(node, ACTOR_FIELDS, p)
        name = r.text(node, "name", p)
        kind = r.choice(node, "kind", p, ActorKind)
        country = r.ident(node, "country", p, required=False)
        if country:
            where = node.entries["country"].value
            state.refs.append(
                _Ref("actor", country, r.file, where.line, where.column, f"{p}country")
            )
        positions: list[Position] = []
        pos_entry = node.entries.get("positions")
        if pos_entry is not None and not (
            isinstance(pos_entry.value, Scalar) and pos_entry.value.value is None
        ):
            pos_node = r.mapping(pos_entry.value, f"{p}positions", "positions by issue")
            for issue, entry in pos_node.entries.items() if pos_node else ():
                pp = f"{p}positions.{issue}."
                state.refs.append(
                    _Ref("issue", issue, r.file, entry.line, entry.column, f"{p}positions.{issue}")
                )
                cell = r.mapping(entry.value, pp.rstrip("."), "a position (stance + facts)")
                if cell is None:
                    continue
                r.fields(cell, POSITION_FIELDS, pp)
                stance = r.choice(cell, "stance", pp, Stance)
                facts = r.ids(cell, "facts", pp, "fact", state.refs)
                if "facts" not in cell.entries or not facts:
                    r.problem(
                        cell,
                        f"{pp}facts",
                        "a position needs at least one supporting fact",
                        hint="add `facts: [fact-id]` naming the facts behind this stance",
                    )
                if stance is not None and facts:
                    positions.append(
                        Position(
                            issue, stance, facts, r.text(cell, "note", pp, required=False) or ""
                        )
                    )
        if aid and name is not None and kind and defined:
            state.actors[aid] = Actor(
                id=aid,
                name=name,
                kind=kind,
                aliases=r.strings(node, "aliases", p),
                role=r.text(node, "role", p, required=False) or "",
                country=country,
                positions=tuple(positions),
                former_ids=r.ids(node, "former_ids", p, "actor", []),
            )


def _fact(node: Mapping, i: int, r: _Reader, state: _State) -> tuple[str | None, Fact | None]:
    fid = r.ident(node, "id", "")
    p = f"{fid}." if fid else f"[{i}]."
    r.fields(node, FACT_FIELDS, p)
    claim = r.text(node, "claim", p, what="one or two sentences")
    topic = r.ident(node, "topic", p)
    if topic:
        value = node.entries["topic"].value
        state.refs.append(_Ref("topic", topic, r.file, value.line, value.column, f"{p}topic"))
    date = r.date(node, "date", p)
    actors = r.ids(node, "actors", p, "actor", state.refs)
    status = r.choice(node, "status", p, Status, required=False, default=Status.REPORTED)
    citations = _citations(node, fid, p, r, state)
    disputes = _disputes(node, fid, p, r, state)
    event = r.ident(node, "event", p, required=False) or ""
    if event:
        value = node.entries["event"].value
        state.refs.append(_Ref("event", event, r.file, value.line, value.column, f"{p}event"))
    lint_ok = _lint_ok(node, p, r)
    if claim is not None and citations:
        _check_numbers(claim, citations, node, p, r)
    if not (fid and claim is not None and topic and citations is not None and status):
        return fid, None
    return fid, Fact(
        id=fid,
        claim=claim,
        topic=topic,
        date=date,
        actors=actors,
        citations=tuple(citations),
        status=status,
        disputes=tuple(disputes),
        file=r.file,
        line=node.line,
        event=event,
        lint_ok=lint_ok,
        corrections=_corrections(node, p, r),
        minor=_flag(node, "minor", p, r),
        aliases=r.ids(node, "aliases", p, "fact", []),
    )


def _disputes(node: Mapping, fid: str | None, p: str, r: _Reader, state: _State) -> list[Dispute]:
    """`disputes:` entries, each `{fact, kind, note}`."""
    disputes: list[Dispute] = []
    dispute_entry = node.entries.get("disputes")
    if dispute_entry is None:
        return disputes
    kinds = ", ".join(f"`{k.value}`" for k in DisputeKind)
    for j, item in enumerate(r.sequence(dispute_entry.value, f"{p}disputes", "disputes")):
        dp = f"{p}disputes[{j + 1}]."
        d = r.mapping(item, dp.rstrip("."), "a dispute (fact + kind + note)")
        if d is None:
            continue
        r.fields(d, DISPUTE_FIELDS, dp)
        other = r.ident(d, "fact", dp)
        note = r.text(d, "note", dp, what="one line saying what differs")
        kind: DisputeKind | None = None
        if "kind" in d.entries:
            kind = r.choice(d, "kind", dp, DisputeKind)
        else:
            r.problem(
                d,
                f"{dp}kind",
                "missing required field `kind`",
                hint=f"add `kind:` with one of {kinds}: `contradicts` when the sources "
                "assert incompatible things, `differs` when they report the same "
                "thing in different words, numbers or dates, `inconsistent` when "
                "one source contradicts itself (an omission is no dispute)",
            )
        if other:
            value = d.entries["fact"].value
            state.refs.append(_Ref("fact", other, r.file, value.line, value.column, f"{dp}fact"))
            if other == fid:
                r.problem(
                    value,
                    f"{dp}fact",
                    "a fact cannot dispute itself",
                    hint="name the id of the other fact",
                )
        if other and note is not None:
            # Without a valid kind the build fails anyway; counting the dispute as a
            # contradiction meanwhile keeps its fact's `status: disputed` from being reported
            # as a second problem.
            disputes.append(Dispute(other, kind or DisputeKind.CONTRADICTS, note))
    return disputes


def _lint_ok(node: Mapping, p: str, r: _Reader) -> tuple[LintWaiver, ...]:
    """`lint_ok:` entries, each `{lint, reason}`: a meaning check silenced, and why."""
    entry = node.entries.get("lint_ok")
    if entry is None:
        return ()
    out: list[LintWaiver] = []
    for j, item in enumerate(r.sequence(entry.value, f"{p}lint_ok", "silenced checks"), 1):
        lp = f"{p}lint_ok[{j}]."
        w = r.mapping(item, lp.rstrip("."), "a silenced check (lint + reason)")
        if w is None:
            continue
        r.fields(w, LINT_OK_FIELDS, lp)
        lint = r.choice(w, "lint", lp, Lint)
        reason = r.text(w, "reason", lp, what="why the check is wrong about this fact")
        if lint is not None and reason is not None:
            if len(reason.split()) < 3:
                r.problem(
                    w.entries["reason"].value,
                    f"{lp}reason",
                    "the reason is too short to tell a reader why the check is wrong here",
                    hint="say in a sentence why the claim is faithful to its quotes",
                )
                continue
            out.append(LintWaiver(lint, reason))
    return tuple(out)


def _corrections(node: Mapping, p: str, r: _Reader) -> tuple[Correction, ...]:
    """`corrections:`, each with a full date, what changed and why; oldest first."""
    entry = node.entries.get("corrections")
    found: list[Correction] = []
    for j, item in enumerate(
        r.sequence(entry.value, f"{p}corrections", "corrections") if entry is not None else [], 1
    ):
        cp = f"{p}corrections[{j}]."
        c = r.mapping(item, cp.rstrip("."), "a correction (date, what, why)")
        if c is None:
            continue
        r.fields(c, CORRECTION_FIELDS, cp)
        when = r.date(c, "date", cp, required=True)
        what = r.text(c, "what", cp, what="what changed, in a few words")
        why = r.text(c, "why", cp, what="why it changed")
        if when is not None and not when.day:
            r.problem(
                c.entries["date"].value,
                f"{cp}date",
                "a correction's date needs the day",
                hint="write `YYYY-MM-DD`: the day the fact was corrected",
            )
        elif when is not None and what is not None and why is not None:
            found.append(Correction(when, what, why))
    return tuple(sorted(found, key=lambda c: (c.date.year, c.date.month, c.date.day)))


def _flag(node: Mapping, key: str, p: str, r: _Reader) -> bool:
    value = r.text(node, key, p, required=False, what="`true` or `false`")
    if value is None or value in ("true", "false"):
        return value == "true"
    r.problem(
        node.entries[key].value,
        f"{p}{key}",
        f"`{value}` is not `true` or `false`",
        hint=f"write `{key}: true`, or leave it out",
    )
    return False


def _citations(
    node: Mapping, fid: str | None, p: str, r: _Reader, state: _State
) -> list[Citation] | None:
    entry = node.entries.get("citations")
    items = r.sequence(entry.value, f"{p}citations", "citations") if entry else []
    if not items:
        r.problem(
            entry or node,
            f"{p}citations",
            "a fact needs at least one citation",
            hint='add `citations:` with `- source: <id>` and `quote: "<verbatim words>"`',
        )
        return None
    out: list[Citation] = []
    ok = True
    for j, item in enumerate(items, 1):
        cp = f"{p}citations[{j}]."
        c = r.mapping(item, cp.rstrip("."), "a citation (source + quote)")
        if c is None:
            ok = False
            continue
        r.fields(c, CITATION_FIELDS, cp)
        sid = r.ident(c, "source", cp)
        quote = r.text(c, "quote", cp, what="a verbatim passage of the source")
        if sid is None or quote is None:
            ok = False
            continue
        source = state.sources.get(sid)
        if source is None:
            value = c.entries["source"].value
            state.refs.append(_Ref("source", sid, r.file, value.line, value.column, f"{cp}source"))
            ok = False
            continue
        citation = _verify(source, quote, fid or "fact", j, c, cp, r, state)
        if citation is None:
            ok = False
        else:
            out.append(citation)
    return out if ok else None


MIN_QUOTE_WORDS, MIN_QUOTE_CHARS = 3, 15
"""The shortest quote that can carry a claim: a word or two occurs by chance (the shortest
quote of the real briefing has 4 words and 17 characters)."""


def _too_short(quote: str, where: Node, cp: str, r: _Reader) -> bool:
    """True (with a problem) for a quote found once yet too short to mean anything; one
    found several times is told to grow by the ambiguity message already."""
    words = quote.split()
    if len(words) >= MIN_QUOTE_WORDS and len(" ".join(words)) >= MIN_QUOTE_CHARS:
        return False
    r.problem(
        where,
        f"{cp}quote",
        f"the quote is too short to carry a "
        f"claim ({len(words)} word(s)); a quote needs at least {MIN_QUOTE_WORDS} words "
        f"and {MIN_QUOTE_CHARS} characters",
        hint="quote the whole phrase that states it",
    )
    return True


def _verify(
    source: Source,
    quote: str,
    fid: str,
    number: int,
    c: Mapping,
    cp: str,
    r: _Reader,
    state: _State,
) -> Citation | None:
    """Locate the quote in its source: exactly one place, or a problem with the closest."""
    index = state.indexes[source.id]
    where = c.entries["quote"].value
    matches = index.find(quote)
    if len(matches) == 1:
        if _too_short(quote, where, cp, r):
            return None
        m = matches[0]
        return Citation(
            source=source.id,
            quote=quote,
            number=number,
            start=m.start,
            end=m.end,
            line=index.line_of(m.start),
            anchor=f"cite-{fid}-{number}",
            passage=index.passage(m),
        )
    if matches:
        lines = ", ".join(str(index.line_of(m.start)) for m in matches[:5])
        r.problem(
            where,
            f"{cp}quote",
            f"the quote occurs {len(matches)} times in "
            f"{source.file} (lines {lines}), so it cannot be anchored to one passage",
            hint="lengthen the quote with the words around the passage you mean",
        )
        return None
    if not quote.strip():
        r.problem(
            where, f"{cp}quote", "the quote is empty", hint="paste the exact words of the source"
        )
        return None
    closest = index.closest(quote)
    excerpt = ""
    hint = (
        f"copy the words exactly from {source.file}, or run `briefing cite {source.id} "
        f'"{_short(quote)}"`'
    )
    if closest is not None and closest.score >= 50:
        passage = " ".join(index.passage(closest).split())
        excerpt = (
            f"closest passage ({source.file}, line {index.line_of(closest.start)}):\n"
            f"\u201c{passage}\u201d"
        )
        if _INVISIBLE.search(quote):
            hint = "the quote contains an invisible character: retype it or copy it again"
        elif "\u2026" in quote or "..." in quote:
            hint = "an ellipsis is not in the source: cite the passage in two quotes instead"
    r.problem(
        where,
        f"{cp}quote",
        f"the quote is not in source `{source.id}` ({source.file})",
        hint=hint,
        excerpt=excerpt,
    )
    return None


def _short(quote: str, words: int = 8) -> str:
    return " ".join(quote.split()[:words]).replace('"', "'")


def _check_numbers(
    claim: str, citations: list[Citation], node: Mapping, p: str, r: _Reader
) -> None:
    """Warn when the claim states a number that none of its quotes contains."""
    plain = re.sub(r"\]\([^)]*\)", "]", claim)
    numbers = {n.rstrip(".,") for n in _NUMBER.findall(plain)}
    if not numbers:
        return
    quoted: set[str] = set()
    for c in citations:
        quoted.update(n.rstrip(".,") for n in _NUMBER.findall(c.passage))
    missing = sorted(numbers - quoted, key=lambda n: (len(n), n))
    if missing:
        r.problem(
            node.entries["claim"].value,
            f"{p}claim",
            "the claim states "
            + ", ".join(f"`{n}`" for n in missing)
            + " but none of its quotes does",
            hint="quote the passage that states it, or correct the claim",
            severity=Severity.WARNING,
        )


def _page(raw: RawPage, state: _State) -> Page | None:
    r = _Reader(raw.path, state.problems)
    slug = raw.path.rsplit("/", 1)[-1].removesuffix(".md")
    if r.missing(raw.front, "the front matter is empty", hint="add at least `title: ...`"):
        return None
    node = r.mapping(raw.front, "", "the front matter")
    if node is None:
        return None
    if len(raw.body) > MAX_BODY_CHARS:
        r.problem(
            Scalar(None, raw.body_line, 1),
            "body",
            f"the page's text is "
            f"{len(raw.body):,} characters long; the limit is {MAX_BODY_CHARS:,}",
            hint="split it into several pages, or move detail into facts",
        )
        return None
    if not ID_PATTERN.fullmatch(slug) and slug != "index":
        r.problem(
            None,
            "",
            f"the file name `{slug}.md` is not a valid page slug",
            hint=f"rename it to `{_suggest_id(slug)}.md`",
        )
        return None
    if slug in RESERVED_SLUGS:
        r.problem(
            None,
            "",
            f"the page `{slug}.md` would take the URL /{slug}/, which the site's own pages use",
            hint=f"rename it, e.g. to `about-{slug}.md`",
        )
        return None
    r.fields(node, PAGE_FIELDS, "")
    title = r.text(node, "title", "")
    facts = r.ids(node, "facts", "", "fact", state.refs)
    topic = r.ident(node, "topic", "", required=False)
    if topic:
        value = node.entries["topic"].value
        state.refs.append(_Ref("topic", topic, r.file, value.line, value.column, "topic"))
    for number, line in enumerate(raw.body.split("\n"), raw.body_line):
        if _HIDDEN.search(line):
            r.visible(Scalar(line, number, 1), "body", line)
        for m in CITE_PATTERN.finditer(line):
            ref = m.group(1)
            if ID_PATTERN.fullmatch(ref):
                state.refs.append(_Ref("fact", ref, r.file, number, m.start() + 1, "body"))
            else:
                state.problems.append(
                    Problem(
                        r.file,
                        number,
                        m.start() + 1,
                        "body",
                        f"`[@{ref}]` does not name a fact id",
                        hint="write `[@fact-id]` with a kebab-case id",
                    )
                )
    glance = _key_points(node, "glance", "key point", r, state)
    diagram = _key_points(node, "diagram", "diagram box", r, state)
    if title is None:
        return None
    return Page(
        slug=slug,
        title=title,
        summary=r.text(node, "summary", "", required=False) or "",
        order=r.integer(node, "order", "", 100),
        body=raw.body,
        facts=facts,
        topic=topic,
        file=raw.path,
        glance=glance,
        diagram=diagram,
    )


def _key_points(
    node: Mapping, key: str, noun: str, r: _Reader, state: _State
) -> tuple[KeyPoint, ...]:
    """`glance:` key points or `diagram:` boxes (`noun` in messages), each `{label, text,
    facts}`; unknown fact ids are errors at their place, like every other reference."""
    entry = node.entries.get(key)
    if entry is None:
        return ()
    points = []
    for i, item in enumerate(r.sequence(entry.value, key, f"{noun}s")):
        p = f"{key}[{i}]."
        point = r.mapping(item, p.rstrip("."), f"a {noun}: `label`, `text` and `facts`")
        if point is None:
            continue
        r.fields(point, KEY_POINT_FIELDS, p)
        label = r.text(point, "label", p, what="a word or two, e.g. `Signed`")
        text = r.text(point, "text", p, what="one short sentence")
        facts = r.ids(point, "facts", p, "fact", state.refs)
        if not facts:
            r.problem(
                point,
                f"{p}facts",
                f"a {noun} needs at least one fact it rests on",
                hint="add `facts: [fact-id]` naming the facts that say this",
            )
        if label is not None and text is not None and facts:
            points.append(KeyPoint(label, text, facts))
    return tuple(points)


def _check_refs(state: _State, site: Site | None, pages: list[Page]) -> None:
    ids: dict[str, set[str]] = {
        "actor": set(state.actors),
        "fact": set(state.facts),
        "source": set(state.sources),
        "topic": {t.id for t in site.topics} if site else set(),
        "issue": {t.id for t in site.issues} if site else set(),
        "event": {e.id for e in site.events} if site else set(),
        "page": {p.slug for p in pages} | BUILTIN_PAGES,
    }
    where_defined = {
        "actor": "content/actors.yaml",
        "source": "content/sources.yaml",
        "topic": "`topics` in content/site.yaml",
        "issue": "`issues` in content/site.yaml",
        "fact": "content/facts/",
        "event": "`events` in content/site.yaml",
        "page": "content/pages/<slug>.md (or use a built-in page)",
    }
    renames = {("fact", old): f.id for f in state.facts.values() for old in f.aliases}
    renames.update({("actor", old): a.id for a in state.actors.values() for old in a.former_ids})
    renames.update({("source", old): s.id for s in state.sources.values() for old in s.aliases})
    for ref in state.refs:
        if ref.value in ids[ref.kind]:
            continue
        if (ref.kind, ref.value) in state.places:
            continue  # defined, but invalid: its own problem is reported already
        close = difflib.get_close_matches(ref.value, sorted(ids[ref.kind]), n=1, cutoff=0.6)
        hint = (
            f"did you mean `{close[0]}`?"
            if close
            else f"define it in {where_defined[ref.kind]} or fix the id"
        )
        renamed = renames.get((ref.kind, ref.value))
        if renamed is not None:
            hint = f"`{ref.value}` was renamed: write `{renamed}`"
        state.problems.append(
            Problem(
                ref.file,
                ref.line,
                ref.column,
                ref.field,
                f"unknown {ref.kind} `{ref.value}`",
                hint=hint,
            )
        )


def _check_countries(file: str, state: _State) -> None:
    """An actor's `country` must name an actor of kind `country`."""
    where: dict[str, _Ref] = {}
    for actor in state.actors.values():
        target = state.actors.get(actor.country or "")
        if target is not None and target.kind is not ActorKind.COUNTRY:
            if not where:  # one pass over the references, made only when one is wrong
                where = {ref.field: ref for ref in state.refs if ref.field.endswith(".country")}
            ref = where[f"{actor.id}.country"]
            state.problems.append(
                Problem(
                    file,
                    ref.line,
                    ref.column,
                    ref.field,
                    f"`country: {target.id}` names "
                    f"a{'n' if target.kind.value[0] in 'aeiou' else ''} "
                    f"{target.kind.value}, not a country",
                    hint="name the actor of kind `country` this one belongs to, or leave it out",
                )
            )
