"""The XML templates of `builder/formats/` (the feed, its entries, the sitemap), written as
ElementTree would write them.

Goes in: a template's name and its values. Comes out: the rendered XML, every value escaped
as character data (or, through the `attribute` filter, as an attribute's value), without
the characters XML 1.0 forbids.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from builder.datapackage import XML_ILLEGAL


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (which no escaping can write)."""
    return XML_ILLEGAL.sub("", text)


class Escaped(str):
    """Text escaped for XML already: an attribute's value, an entry of the feed."""


def _as_text(value: object) -> str:
    """What every `{{ value }}` of the XML templates writes: character data as ElementTree
    escapes it. (The characters XML forbids are dropped from the whole output, `render`.)"""
    return value if type(value) is Escaped else xml_escape(str(value))


_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _as_attribute(value: str) -> Escaped:
    """A value between double quotes, as ElementTree escapes it (line ends and tabs kept
    as references, which a parser would otherwise turn into spaces)."""
    return Escaped(xml_escape(value, _ATTRIBUTE_ENTITIES))


_XML = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "formats"),
    finalize=_as_text,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,
)
_XML.filters["attribute"] = _as_attribute


def render(template: str, **context: object) -> Escaped:
    """A template of `builder/formats/` rendered, without the characters XML forbids."""
    return Escaped(xml_text(_XML.get_template(template).render(context)))
