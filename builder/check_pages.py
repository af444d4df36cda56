"""`content/pages/*.md` -> `Page`s: front matter, key points, and `[@fact]` marks in prose."""

from __future__ import annotations

import re

from builder.errors import HIDDEN, Problem
from builder.fields import Reader, Ref
from builder.load import Mapping, RawPage, Scalar
from builder.model import KeyPoint, Page
from builder.records import State
from builder.urls import RESERVED_SLUGS
from builder.values import ID_PATTERN, suggest_id

CITE_PATTERN = re.compile(r"\[@([^\]\s]*)\]")
MAX_BODY_CHARS = 200_000
"""A page's markdown prose longer than this is refused (markdown rendering is slow on huge,
pathological text; a briefing page is a few thousand characters)."""
PAGE_FIELDS = ("title", "summary", "order", "facts", "topic", "glance", "diagram")
KEY_POINT_FIELDS = ("label", "text", "facts")


def check_page(raw: RawPage, state: State) -> Page | None:
    """A page from its file name, front matter and body; None when it cannot be built."""
    r = Reader(raw.path, state.problems)
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
            hint=f"rename it to `{suggest_id(slug)}.md`",
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
    topic = r.ref(node, "topic", "", "topic", state.refs, required=False)
    for number, line in enumerate(raw.body.split("\n"), raw.body_line):
        if HIDDEN.search(line):
            r.visible(Scalar(line, number, 1), "body", line)
        for m in CITE_PATTERN.finditer(line):
            ref = m.group(1)
            if ID_PATTERN.fullmatch(ref):
                state.refs.append(Ref("fact", ref, r.file, number, m.start() + 1, "body"))
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
    node: Mapping, key: str, noun: str, r: Reader, state: State
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
