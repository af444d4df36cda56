"""`content/site.yaml` -> the `Site`: title, dates, topics, issues, events, navigation."""

from __future__ import annotations

from builder.fields import Reader, Ref
from builder.load import Mapping, RawFile
from builder.model import Event, PositionIssue, Site, Topic
from builder.records import State, define
from builder.urls import BASE_URL_HINT, base_url_problem, normalise_base_url

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
EVENT_FIELDS = ("id", "label", "description")
TOPIC_FIELDS = ("id", "title", "summary")
ISSUE_FIELDS = ("id", "title")


def check_site(raw: RawFile, state: State) -> Site | None:
    """The site settings; None (with problems) when the title or `as_of` is unusable."""
    r = Reader(raw.path, state.problems)
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
    nav_refs: list[Ref] = []
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


def _main_event(node: Mapping, events: list[Event], r: Reader, state: State) -> str:
    """`main_event`: required once events are declared, and one of them."""
    main = r.ref(node, "main_event", "", "event", state.refs, required=False)
    if main is None:
        if events and "main_event" not in node.entries:
            r.problem(
                node.entries["events"],
                "main_event",
                "missing field `main_event`",
                hint=f"name the event the briefing is about, e.g. `main_event: {events[0].id}`",
            )
        return events[0].id if events else ""
    return main


def _base_url(node: Mapping, r: Reader) -> str:
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
    r: Reader,
    state: State,
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
        if ident and heading is not None and define(state, kind, ident, r.file, t.line, t.column):
            out.append((ident, heading, line))
    return out
