"""The content files' shapes as JSON Schema (draft 2020-12), so editors' YAML tools can help.

Goes in: the content model's field names, enums and patterns. Comes out: one schema per kind of
content file (`site`, `sources`, `actors`, `facts`), written to `schemas/<kind>.schema.json`.
A YAML language server (VS Code's YAML extension and others) reads the schema named in a
file's first-line comment and offers completion, hover help and validation while typing.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any

from builder.model import ActorKind, DisputeKind, Lint, SourceKind, Stance, Status
from builder.values import DATE_JSON_PATTERN, ID_JSON_PATTERN

Schema = dict[str, Any]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("site", "sources", "actors", "facts")
"""Each content file kind; `facts` covers every file under `content/facts/`."""


def schema_comment(kind: str, depth: int) -> str:
    """The first-line comment that points a YAML language server at the schema.

    `depth` is how many folders the content file sits below the project root
    (`content/sources.yaml` is 1, `content/facts/x.yaml` is 2)."""
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json"


def _enum(values: type[Enum], description: str) -> Schema:
    return {"type": "string", "enum": [m.value for m in values], "description": description}


def _text(description: str) -> Schema:
    return {"type": "string", "minLength": 1, "description": description}


def _ids(description: str, *, min_items: int = 0) -> Schema:
    schema: Schema = {
        "type": "array",
        "items": {"$ref": "#/$defs/id"},
        "uniqueItems": True,
        "description": description,
    }
    if min_items:
        schema["minItems"] = min_items
    return schema


def _object(properties: Schema, required: list[str], description: str) -> Schema:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


COMMON_DEFS: Schema = {
    "id": {
        "type": "string",
        "pattern": ID_JSON_PATTERN,
        "description": "kebab-case: lower-case letters, digits and single hyphens, "
        "starting with a letter (e.g. `macron-26-countries`).",
    },
    "date": {
        "type": "string",
        "pattern": DATE_JSON_PATTERN,
        "description": "YYYY-MM-DD, or YYYY-MM when the source gives only the month. "
        "Leave the field out when no source states a date: never guess one.",
    },
}


def site_schema() -> Schema:
    topic = _object(
        {
            "id": {"$ref": "#/$defs/id"},
            "title": _text("Shown as the topic page's heading."),
            "summary": {"type": "string", "description": "One line under the title."},
        },
        ["id", "title"],
        "A subject facts are filed under; every fact's `topic` is one of these ids.",
    )
    issue = _object(
        {"id": {"$ref": "#/$defs/id"}, "title": _text("The matrix column's heading.")},
        ["id", "title"],
        "A column of the allied-positions matrix.",
    )
    event = _object(
        {
            "id": {"$ref": "#/$defs/id"},
            "label": _text(
                "Short; shown on the badge of every fact of this event wherever "
                "it appears outside the event's own page (unless it is the main "
                "event)."
            ),
            "description": {
                "type": "string",
                "description": "One or two sentences: what happened, and when.",
            },
        },
        ["id", "label"],
        "Something that happened, which facts belong to.",
    )
    return _object(
        {
            "title": _text("The briefing's title."),
            "description": _text("One line for search engines and link previews."),
            "language": _text("The language of the pages (default `en`)."),
            "base_url": _text("A path such as `/briefing/`, or a full URL (default `/`)."),
            "as_of": {
                "$ref": "#/$defs/date",
                "description": "The date the briefing is current to.",
            },
            "author": {"type": "string", "description": "Optional; used in the Atom feed."},
            "nav": _ids(
                "Page slugs and built-in pages (`timeline`, `disputes`, `sources`, "
                "`actors`, `search`) in navigation order."
            ),
            "topics": {
                "type": "array",
                "items": topic,
                "minItems": 1,
                "description": "Every topic a fact can be filed under.",
            },
            "issues": {
                "type": "array",
                "items": issue,
                "description": "The columns of the allied-positions matrix.",
            },
            "events": {
                "type": "array",
                "items": event,
                "description": "The events facts belong to; a fact outside the main "
                "event is labelled with its event wherever shown.",
            },
            "main_event": {
                "$ref": "#/$defs/id",
                "description": "The id of the event the briefing is about "
                "(required when `events` is given).",
            },
            "matrix_order": _ids(
                "Actor ids listed first in the positions matrix, in this "
                "order (lead nations, then the US); the rest follow by name."
            ),
        },
        ["title", "as_of", "topics"],
        "`content/site.yaml`: the briefing's identity and navigation.",
    )


def sources_schema() -> Schema:
    source = _object(
        {
            "id": {"$ref": "#/$defs/id"},
            "title": _text("The document's headline."),
            "outlet": _text("Who published the document, or `unknown`."),
            "published": {
                "description": "YYYY-MM-DD, YYYY-MM, or `unknown`: never invented.",
                "anyOf": [{"$ref": "#/$defs/date"}, {"const": "unknown"}],
            },
            "kind": _enum(SourceKind, "What sort of document it is."),
            "file": {
                "type": "string",
                "pattern": "^seeds/[^/]+$",
                "description": "The archived text, e.g. `seeds/000_55bc3277705ae018.txt`.",
            },
            "url": {
                "type": "string",
                "pattern": "^https?://",
                "description": "Optional: only a real, known address of the original.",
            },
            "cites": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": "Outlets the document itself names.",
            },
            "strand": _text(
                "Sources with the same strand count as one independent outlet "
                'in "corroborated by N sources" (default: the outlet).'
            ),
            "notes": {"type": "string", "description": "Shown on the source page."},
            "sha256": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "SHA-256 of `file` (`briefing sources pin` records it); "
                "a build fails when the file no longer matches.",
            },
            "capture": {
                "type": "string",
                "pattern": "^seeds/[^/]+$",
                "description": "The raw capture (saved HTML) the text was extracted "
                "from, kept beside it.",
            },
            "capture_sha256": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "SHA-256 of `capture`.",
            },
            "archived": {
                "$ref": "#/$defs/date",
                "description": "When the document was archived (Robust Links' version date).",
            },
            "covers": _ids(
                "Ids of the events (site.yaml `events`) the document reports on. "
                "A fact whose sources all cover one and the same event belongs "
                "to it unless its `event` says otherwise."
            ),
            "aliases": _ids("Ids the source had before: their URLs redirect here."),
        },
        ["id", "title", "outlet", "published", "kind", "file"],
        "One archived source document under `seeds/`.",
    )
    return {
        "type": "array",
        "items": source,
        "description": "`content/sources.yaml`: one entry per archived document.",
    }


def actors_schema() -> Schema:
    position = _object(
        {
            "stance": _enum(Stance, "The ally's stance on this issue."),
            "facts": _ids("The facts that support the stance: at least one, always.", min_items=1),
            "note": {"type": "string", "description": "Shown in the matrix cell."},
        },
        ["stance", "facts"],
        "An ally's stance on one issue, with the facts behind it.",
    )
    actor = _object(
        {
            "id": {"$ref": "#/$defs/id"},
            "name": _text("As readers know it."),
            "kind": _enum(ActorKind, "What sort of actor."),
            "aliases": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": "Other names, e.g. other spellings.",
            },
            "role": {"type": "string", "description": "One line on who they are."},
            "country": {
                "$ref": "#/$defs/id",
                "description": "For people and organisations: the country actor's id.",
            },
            "positions": {
                "type": "object",
                "description": "Allies only: issue id (from site.yaml `issues`) -> stance.",
                "propertyNames": {"$ref": "#/$defs/id"},
                "additionalProperties": position,
            },
            "former_ids": _ids("Ids the actor had before: their URLs redirect here."),
        },
        ["id", "name", "kind"],
        "A country, person or organisation.",
    )
    return {
        "type": "array",
        "items": actor,
        "description": "`content/actors.yaml`: countries, people and organisations.",
    }


def facts_schema() -> Schema:
    citation = _object(
        {
            "source": {"$ref": "#/$defs/id", "description": "A source id from sources.yaml."},
            "quote": _text(
                "A verbatim passage of the source's file, matching exactly one "
                'place. `briefing cite SOURCE "words"` finds one for you.'
            ),
        },
        ["source", "quote"],
        "A verbatim quote that supports the fact.",
    )
    dispute = _object(
        {
            "fact": {"$ref": "#/$defs/id", "description": "The id of the other fact."},
            "kind": _enum(
                DisputeKind,
                "contradicts: the sources assert incompatible things "
                "(only this kind makes both facts disputed); differs: the same "
                "thing reported with different words, numbers or dates; "
                "inconsistent: one source contradicts itself.",
            ),
            "note": _text("One line on how they disagree."),
        },
        ["fact", "kind", "note"],
        "A fact this one disagrees with, and how. An omission is not a dispute.",
    )
    waiver = _object(
        {
            "lint": _enum(Lint, "The meaning check to silence for this fact."),
            "reason": _text("Why the check is wrong about this fact, in a sentence."),
        },
        ["lint", "reason"],
        "One meaning check silenced for this fact, with the reason.",
    )
    fact = _object(
        {
            "id": {"$ref": "#/$defs/id", "description": "Unique across all fact files."},
            "claim": _text("One or two sentences of inline markdown; no raw HTML."),
            "topic": {"$ref": "#/$defs/id", "description": "A topic id from site.yaml."},
            "date": {"$ref": "#/$defs/date"},
            "actors": _ids("Actor ids from actors.yaml."),
            "citations": {
                "type": "array",
                "items": citation,
                "minItems": 1,
                "description": "One or more quotes from the sources.",
            },
            "status": _enum(
                Status,
                "reported (default), claimed or disputed; `disputed` "
                "only with a `contradicts` dispute on either side (it is derived "
                "from one anyway).",
            ),
            "disputes": {
                "type": "array",
                "items": dispute,
                "description": "Facts this one disagrees with (one side is enough).",
            },
            "event": {
                "$ref": "#/$defs/id",
                "description": "The event (site.yaml `events`) the fact belongs to. "
                "Default: the one event all its sources cover, else "
                "the main event.",
            },
            "lint_ok": {
                "type": "array",
                "items": waiver,
                "description": "Meaning checks silenced for this fact, each with a stated reason.",
            },
            "corrections": {
                "type": "array",
                "items": _object(
                    {
                        "date": {
                            "type": "string",
                            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                            "description": "The day the fact was corrected.",
                        },
                        "what": _text("What changed, in a few words."),
                        "why": _text("Why it changed."),
                    },
                    ["date", "what", "why"],
                    "A change to the published fact, said openly.",
                ),
                "description": "Every change to a published claim, date, actors, status or "
                "citations (`briefing check --since` asks for one).",
            },
            "minor": {
                "type": "boolean",
                "description": "The edit is typo-level and needs no correction note.",
            },
            "aliases": _ids("Ids the fact had before: their URLs redirect here."),
        },
        ["id", "claim", "topic", "citations"],
        "One short, dated, attributed claim.",
    )
    return {
        "type": "array",
        "items": fact,
        "description": "A file under `content/facts/`: a list of facts.",
    }


BUILDERS = {
    "site": site_schema,
    "sources": sources_schema,
    "actors": actors_schema,
    "facts": facts_schema,
}


def content_schema(kind: str) -> Schema:
    """The complete schema document for one kind of content file."""
    body = BUILDERS[kind]()
    return {
        "$schema": DIALECT,
        "$id": f"{kind}.schema.json",
        "title": f"briefing {kind} file",
        **body,
        "$defs": COMMON_DEFS,
    }


def schema_files() -> dict[str, bytes]:
    """`<kind>.schema.json` -> its bytes, stable for the same code."""
    return {
        f"{kind}.schema.json": (
            json.dumps(content_schema(kind), indent=2, ensure_ascii=False) + "\n"
        ).encode()
        for kind in KINDS
    }


def write_schemas(out: Path) -> list[Path]:
    """Write every schema into `out`, touching only files whose bytes changed."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, data in schema_files().items():
        path = out / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            written.append(path)
    return written
