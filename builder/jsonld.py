"""Facts and sources as schema.org linked data: the JSON-LD that fact and source pages embed.

Goes in: the briefing, its URLs and a fact's claim as plain text (as the page shows it).
Comes out: the body of a `<script type="application/ld+json">` element, safe inside HTML: a
schema.org `Claim` for a fact page, a `CreativeWork` for a source page. Documented in
`docs/facts-json.md`.
"""

from __future__ import annotations

import json
from functools import lru_cache

from markupsafe import Markup

from builder.briefing import Briefing
from builder.cards import original_url
from builder.model import ActorKind, Source
from builder.urls import Urls, text_fragment_url

CONTEXT = "https://schema.org"
ACTOR_TYPES = {
    ActorKind.COUNTRY: "Country",
    ActorKind.PERSON: "Person",
    ActorKind.ORGANISATION: "Organization",
}
UNKNOWN = "unknown"
"""What `outlet` says when the document does not make its publisher clear."""

# Inside a <script> element nothing may look like markup: `</script>` or `<!--` in a claim
# would end or hide the element, so `<`, `>` and `&` are written as JSON escapes.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def fact_jsonld(briefing: Briefing, urls: Urls, fact_id: str, claim_text: str) -> Markup:
    """A schema.org `Claim`: the claim's text, its date (`temporalCoverage`: when it
    happened or was said), the actors it mentions, and each cited passage as an
    `appearance` that is part of its source's `CreativeWork`."""
    fact = briefing.fact_by_id[fact_id]
    data: dict[str, object] = {
        "@context": CONTEXT,
        "@type": "Claim",
        "@id": _full(urls, urls.fact(fact.id)),
        "url": _full(urls, urls.fact(fact.id)),
        "text": claim_text,
    }
    if fact.date:
        data["temporalCoverage"] = fact.date.iso()
    actors = [briefing.actor_by_id[a] for a in fact.actors if a in briefing.actor_by_id]
    if actors:
        data["mentions"] = [
            {"@type": ACTOR_TYPES[a.kind], "@id": _full(urls, urls.actor(a.id)), "name": a.name}
            for a in actors
        ]
    appearances = []
    for cit in fact.citations:
        source = briefing.source_by_id[cit.source]
        passage: dict[str, object] = {
            "@type": "CreativeWork",
            "@id": _full(urls, urls.citation(source.id, cit.anchor)),
            "text": cit.passage,
            "isPartOf": _creative_work(source, urls, context=False),
        }
        original = original_url(source)
        if original:
            passage["url"] = text_fragment_url(original, cit.passage)
        appearances.append(passage)
    data["appearance"] = appearances
    return _script_body(data)


def source_jsonld(briefing: Briefing, urls: Urls, source_id: str) -> Markup:
    """The source document as a schema.org `CreativeWork`."""
    return _script_body(_creative_work(briefing.source_by_id[source_id], urls, context=True))


@lru_cache(maxsize=4096)
def _creative_work(source: Source, urls: Urls, *, context: bool) -> dict[str, object]:
    """An archived document: its page here (with the archived text) is its `@id`; `url`
    (where it was published), `datePublished` and `publisher` only where they are known.
    Made once per source, however many passages of it are cited (callers only read it)."""
    data: dict[str, object] = {"@context": CONTEXT} if context else {}
    data.update(
        {
            "@type": "CreativeWork",
            "@id": _full(urls, urls.source(source.id)),
            "name": source.title,
            "genre": source.kind.value,
        }
    )
    if original_url(source):
        data["url"] = original_url(source)
    if source.published:
        data["datePublished"] = source.published.iso()
    if source.outlet and source.outlet != UNKNOWN:
        data["publisher"] = {"@type": "Organization", "name": source.outlet}
    return data


def _full(urls: Urls, path: str) -> str:
    """A site-absolute path with the origin when `base_url` has one (else the path: a
    relative reference, which JSON-LD resolves against the page's address)."""
    return urls.origin + path


def _script_body(data: dict[str, object]) -> Markup:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if "<" in text or ">" in text or "&" in text:  # three searches; a copy only when needed
        text = text.translate(_SCRIPT_SAFE)
    return Markup(text)
