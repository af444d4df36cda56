"""`content/sources.yaml` -> `Source`s, each with its archived text from `seeds/`."""

from __future__ import annotations

import difflib
import re

from builder.fields import Reader
from builder.load import RawFile
from builder.model import Source, SourceKind
from builder.records import State, define, list_of_records

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


def check_sources(raw: RawFile, seeds: dict[str, str], state: State) -> None:
    """Each valid source into `state.sources`, its text read from `seeds`."""
    r = Reader(raw.path, state.problems)
    for i, node in list_of_records(raw, state, "sources"):
        sid = r.ident(node, "id", f"[{i}].")
        p = f"{sid}." if sid else f"[{i}]."
        defined = bool(sid) and define(state, "source", sid or "", r.file, node.line, node.column)
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
