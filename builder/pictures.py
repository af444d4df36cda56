"""Facts laid out as pictures -> inline SVG, drawn at build time, every mark a link to a fact.

Goes in: plain data a context prepared (the timeline's days and undated events; the force's
layers, each with the facts it rests on). Comes out: `Markup` of a `<figure>` holding an
`<svg>` whose shapes are links to the facts they rest on, each with its name for screen
readers, and a caption saying where the same facts are given as text. Colours come from the
stylesheet's classes, so the pictures follow dark mode and print.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Dot:
    """One fact in a picture: where it links and its claim (the link's name)."""

    url: str
    claim: str
    key: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    """A run of facts in a timeline strip: a date's, or an undated event's."""

    label: str
    """`6 January 2026`, or the event's name."""
    url: str
    """Where the label links: the day on the timeline, or the event's page."""
    dots: tuple[Dot, ...]
    """One per fact; empty when there are too many to draw (`count` says how many)."""
    dated: bool = True
    count: int = 0
    """How many facts the column stands for when it draws them as one bar."""

    @property
    def facts(self) -> int:
        return len(self.dots) or self.count


@dataclass(frozen=True, slots=True)
class Layer:
    """A box of a diagram: a label, its words, the facts it rests on."""

    label: str
    text: str
    facts: tuple[Dot, ...]


_PER_ROW = 6
_DOT_GAP = 17
MAX_DOTS = 60
"""A column of more facts draws one bar (ten rows of dots at most)."""
MAX_COLUMNS = 40
"""More dated days than this: a column per month."""


def timeline_strip(columns: tuple[Column, ...], caption: str, figure_id: str) -> Markup:
    """Undated events (a dashed block each) first, then the dated days in order; each day
    a stack of dots, one per fact (a key fact larger), above its date."""
    if not columns:
        return Markup("")
    width = 150
    rows = max(1, *(-(-len(c.dots) // _PER_ROW) for c in columns))
    if any(c.count for c in columns):
        rows = max(rows, 4)  # room for the bars to differ
    tallest = max(c.count for c in columns)
    top = 44
    height = top + rows * _DOT_GAP + 76  # room for a label of two lines and its count
    parts: list[str] = []
    x = 10
    dated_started = False
    for column in columns:
        if column.dated and not dated_started:
            dated_started = True
            if x > 10:  # the undated block ends: a gap and the axis start
                x += 16
            axis_from = x
        parts.append(_column(column, x, width, top, rows, tallest))
        x += width + 10
    total = x
    if dated_started:
        y = top + rows * _DOT_GAP + 8
        parts.insert(
            0, f'<line class="strip-axis" x1="{axis_from}" y1="{y}" x2="{total - 10}" y2="{y}"/>'
        )
    title_id = f"{figure_id}-title"
    wide = (
        f'<svg class="strip strip-wide" width="{total}" height="{height}" '
        f'viewBox="0 0 {total} {height}" role="group" aria-labelledby="{title_id}">'
        + "".join(parts)
        + "</svg>"
    )
    # A phone gets the strip turned on its side: one row per date, top to bottom, so
    # nothing scrolls sideways; the stylesheet shows the one that fits.
    return Markup(
        '<figure class="picture picture-strip" id="{id}">{wide}{narrow}'
        '<figcaption id="{title_id}">{caption}</figcaption></figure>'
    ).format(
        id=figure_id,
        wide=Markup(wide),
        narrow=Markup(_strip_rows(columns, title_id)),
        title_id=title_id,
        caption=caption,
    )


def _strip_rows(columns: tuple[Column, ...], title_id: str) -> str:
    """The strip for a narrow screen: a row per date (an undated event first, dashed), its
    label at the left, its dots to the right, ten to a line."""
    width, label_w, per_line, gap = 350, 118, 10, 21
    tallest = max(c.count for c in columns)
    parts: list[str] = []
    y = 4
    for column in columns:
        lines = -(-len(column.dots) // per_line) or 1
        height = max(lines * gap + 14, 50)
        if not column.dated:
            parts.append(
                f'<rect class="strip-event" x="1" y="{y}" width="{width - 2}" '
                f'height="{height}" rx="6"/>'
            )
        words = textwrap.wrap(column.label, 14)[:2]
        tspans = _tspans(words, 8, 15)
        parts.append(
            f'<a href="{escape(column.url)}"><text class="strip-label" x="8" '
            f'y="{y + 20}">{tspans}</text></a>'
        )
        count = column.facts
        note = f"{count:,} fact{'s' if count != 1 else ''}"
        if column.count:
            parts.append(
                _bar(
                    column,
                    label_w + 12,
                    y + 10,
                    round((width - label_w - 20) * count / tallest),
                    12,
                )
            )
        parts.append(
            f'<text class="strip-count" x="8" y="{y + 20 + 15 * len(words)}">{escape(note)}</text>'
        )
        for i, dot in enumerate(column.dots):
            cx = label_w + 12 + (i % per_line) * gap
            cy = y + 16 + (i // per_line) * gap
            name = escape(dot.claim)
            parts.append(
                f'<a href="{escape(dot.url)}" aria-label="{name}"><title>{name}</title>'
                f'<circle class="strip-dot{" strip-key" if dot.key else ""}" '
                f'cx="{cx}" cy="{cy}" r="{7 if dot.key else 5}"/></a>'
            )
        y += height + 6
    return (
        f'<svg class="strip strip-narrow" viewBox="0 0 {width} {y}" role="group" '
        f'aria-labelledby="{title_id}">' + "".join(parts) + "</svg>"
    )


def _column(column: Column, x: int, width: int, top: int, rows: int, tallest: int) -> str:
    out: list[str] = []
    if not column.dated:
        out.append(
            f'<rect class="strip-event" x="{x}" y="4" width="{width}" '
            f'height="{top + rows * _DOT_GAP + 68}" rx="6"/>'
        )
    if column.count:
        full = rows * _DOT_GAP
        height = max(4, round(full * column.count / tallest))
        out.append(_bar(column, x + 10, top + full - height + 4, width - 20, height))
    for i, dot in enumerate(column.dots):
        cx = x + 14 + (i % _PER_ROW) * 22
        cy = top + (rows - 1 - i // _PER_ROW) * _DOT_GAP + 4
        radius = 7 if dot.key else 5
        name = escape(dot.claim)
        out.append(
            f'<a href="{escape(dot.url)}" aria-label="{name}"><title>{name}</title>'
            f'<circle class="strip-dot{" strip-key" if dot.key else ""}" cx="{cx}" '
            f'cy="{cy}" r="{radius}"/></a>'
        )
    label_y = top + rows * _DOT_GAP + 28
    lines = textwrap.wrap(column.label, 16)[:2]
    tspans = _tspans(lines, x + 6, 15)
    count = column.facts
    note = f"{count:,} fact{'s' if count != 1 else ''}" + ("" if column.dated else ", undated")
    out.append(
        f'<a href="{escape(column.url)}"><text class="strip-label" x="{x + 6}" '
        f'y="{label_y}">{tspans}</text></a>'
    )
    out.append(
        f'<text class="strip-count" x="{x + 6}" y="{label_y + 16 * len(lines)}">'
        f"{escape(note)}</text>"
    )
    return "".join(out)


def layer_diagram(layers: tuple[Layer, ...], caption: str, figure_id: str) -> Markup:
    """Stacked bands, one per layer, top to bottom: its label, its words, and a dot per
    fact it rests on, each a link to that fact. Drawn twice, wide and narrow, so
    the words stay readable on a phone; the stylesheet shows the one that fits."""
    if not layers:
        return Markup("")
    title_id = f"{figure_id}-title"
    wide = _layers_svg(layers, 720, 62, "layers layers-wide", title_id)
    narrow = _layers_svg(layers, 350, 38, "layers layers-narrow", title_id)
    return Markup(
        '<figure class="picture picture-layers" id="{id}">{wide}{narrow}'
        '<figcaption id="{title_id}">{caption}</figcaption></figure>'
    ).format(
        id=figure_id, wide=Markup(wide), narrow=Markup(narrow), title_id=title_id, caption=caption
    )


def _layers_svg(layers: tuple[Layer, ...], width: int, chars: int, css: str, title_id: str) -> str:
    """Bands, one per layer: the label in a left column (above the words when narrow),
    the words beside it, a dot per fact at the band's right edge."""
    narrow = width < 500
    label_w = 0 if narrow else 150
    parts: list[str] = []
    y = 4
    for layer in layers:
        lines = textwrap.wrap(layer.text, chars)
        top_pad = 30 if narrow else 8
        height = max(top_pad + 19 * len(lines) + 14, 48)
        parts.append(
            f'<rect class="layer-box" x="2" y="{y}" width="{width - 4}" height="{height}" rx="6"/>'
        )
        if not narrow:
            parts.append(
                f'<rect class="layer-band" x="2" y="{y}" width="{label_w}" '
                f'height="{height}" rx="6"/>'
            )
        parts.append(f'<text class="layer-label" x="14" y="{y + 22}">{escape(layer.label)}</text>')
        text_x = 14 + label_w
        body = _tspans(lines, text_x, 19)
        parts.append(f'<text class="layer-text" x="{text_x}" y="{y + top_pad + 14}">{body}</text>')
        for i, dot in enumerate(layer.facts):
            cx = width - 18 - (len(layer.facts) - 1 - i) * 26
            name = escape(dot.claim)
            parts.append(
                f'<a href="{escape(dot.url)}" aria-label="{name}"><title>{name}</title>'
                f'<circle class="layer-dot" cx="{cx}" cy="{y + 18}" r="9"/></a>'
            )
        y += height + 6
    return (
        f'<svg class="{css}" viewBox="0 0 {width} {y}" role="group" '
        f'aria-labelledby="{title_id}">' + "".join(parts) + "</svg>"
    )


def _tspans(lines: list[str], x: int, step: int) -> str:
    """Wrapped lines of one text, each under the last; a space ends each but the last, so
    the words stay apart when the text is read out or copied."""
    last = len(lines) - 1
    return "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else step}">'
        f"{escape(line)}{'' if i == last else ' '}</tspan>"
        for i, line in enumerate(lines)
    )


def _bar(column: Column, x: int, y: int, width: int, height: int) -> str:
    """A column's facts as one bar, sized by their number, linking to where they are listed."""
    name = escape(f"{column.label}: {column.count:,} facts")
    return (
        f'<a href="{escape(column.url)}" aria-label="{name}"><title>{name}</title>'
        f'<rect class="strip-bar" x="{x}" y="{y}" width="{max(width, 4)}" height="{height}" '
        'rx="2"/></a>'
    )
