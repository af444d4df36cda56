"""Break a valid briefing one edit at a time and check what the editor and the reader get.

Each case copies the `mini` fixture (already built once, so a previous `site/` exists), applies
one mutation, builds (through the real `python -m builder build` or the in-process API) and
asserts one of:

- ERROR: exit 1, a message naming `file:line[:col]`, the field and a hint; no traceback; the
  previous `site/` byte for byte as it was; no temporary folder left behind.
- SAME: a harmless variant (BOM, CRLF, quoted date...) builds output byte-identical to the
  unmutated tree.
- SHOWS: the build succeeds and a reader sees the text exactly as written (YAML 1.1 surprises).
- INERT: hostile text builds and is shown as text: no element, attribute or URL injected
  (checked with an HTML parser), the same scripts on every page as before.
- QUOTE_OK: a quote that differs from its source only in what an editor cannot see is
  anchored on the right passage.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pytest

from builder.build import build, check
from tests.helpers import REPO, copy_fixture, run_cli
from tests.mutate import (
    Edit,
    html_pages,
    injected,
    leftovers,
    line_of,
    sub,
    transform,
    tree_bytes,
    tree_digest,
    write,
)

PARIS = "content/facts/paris.yaml"
RUSSIA = "content/facts/russia.yaml"
SOURCES = "content/sources.yaml"
ACTORS = "content/actors.yaml"
SITE = "content/site.yaml"
INDEX = "content/pages/index.md"
ALLIES = "content/pages/allies.md"
MARKER = "pwn"
"""Hostile cases name their payload after this, so an injection is easy to spot."""


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What must never reach a terminal from content: control and bidi characters."""


class Expect(Enum):
    ERROR = "error"
    SAME = "same"
    SHOWS = "shows"
    INERT = "inert"
    QUOTE_OK = "quote-ok"


@dataclass(frozen=True)
class Case:
    id: str
    edit: Edit
    expect: Expect
    says: tuple[str, ...] = ()
    """ERROR: words the message, field or hint must contain (case-insensitive)."""
    shows: str = ""
    """SHOWS/INERT: text a reader must see on some page; QUOTE_OK: the anchored passage."""
    cli: bool = False
    """Run the real CLI in a subprocess (else the in-process API)."""
    extra: Callable[[Path], None] | None = None
    """Another check on the project after the build (e.g. facts.csv, a file not created)."""


# Edits that need more than one replacement -------------------------------------------------


def both(first: Edit, second: Edit) -> Edit:
    """Two edits that make one mistake; the second names the place."""

    def edit(root: Path) -> str:
        first(root)
        return second(root)

    return edit


def anchor_then_alias(rel: str, old: str, anchored: str, aliased: str) -> Edit:
    """The first `old` gets an anchor, the second refers to it; the mistake is the anchor."""

    def edit(root: Path) -> str:
        path = root / rel
        line = line_of(path, old)
        text = path.read_text(encoding="utf-8").replace(old, anchored, 1)
        path.write_text(text.replace(old, aliased, 1), encoding="utf-8")
        return f"{rel}:{line}"

    return edit


def symlink(rel: str, outside: str) -> Edit:
    """Replace `rel` by a symlink to `outside` (relative to the project's parent folder;
    created with some text when it does not exist)."""

    def edit(root: Path) -> str:
        target = root.parent / outside
        if not target.exists():
            target.write_text("- id: outside\n  secret: from outside the project\n", "utf-8")
        path = root / rel
        path.unlink(missing_ok=True)
        path.symlink_to(target)
        return rel

    return edit


def rename(old: str, new: str) -> Edit:
    def edit(root: Path) -> str:
        (root / old).rename(root / new)
        return new

    return edit


def replace_bytes(rel: str, old: bytes, new: bytes) -> Edit:
    """A byte-level edit; the mistake is at the line of `old`."""

    def edit(root: Path) -> str:
        path = root / rel
        data = path.read_bytes()
        at = data.find(old)
        assert at >= 0, f"{old!r} not in {rel}"
        path.write_bytes(data.replace(old, new, 1))
        line = data.count(b"\n", 0, at) + 1
        return f"{rel}:{line}"

    return edit


def base_url(value: str) -> Edit:
    """site.yaml's `base_url: /` made `base_url: VALUE`."""
    return sub(SITE, "base_url: /", f"base_url: {value}")


def directory(rel: str) -> Edit:
    def edit(root: Path) -> str:
        (root / rel).mkdir()
        return rel

    return edit


def fifo(rel: str) -> Edit:
    """A named pipe where a content file goes: reading it would wait for a writer forever."""

    def edit(root: Path) -> str:
        os.mkfifo(root / rel)
        return rel

    return edit


PAGE = "---\ntitle: A page\n---\nSome text.\n"


ALIAS_BOMB = "- &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"- &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def no_file(name: str) -> Callable[[Path], None]:
    def check_absent(project: Path) -> None:
        assert not (project / name).exists(), f"{name} was created: YAML ran code"

    return check_absent


def csv_is_inert(project: Path) -> None:
    text = (project / "site" / "facts.csv").read_text(encoding="utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert any("HYPERLINK" in c for c in cells), "the claim is in facts.csv"
    formulas = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert formulas == [], "a spreadsheet would run these cells as formulas"


def no_image_from(host: str) -> Callable[[Path], None]:
    def check_images(project: Path) -> None:
        for rel, soup in html_pages(project / "site"):
            for img in soup.find_all("img"):
                assert host not in str(img.get("src", "")), f"{rel} loads an image from {host}"

    return check_images


def scripts_still_parse(project: Path) -> None:
    """Inline JSON (JSON-LD, search data) still parses after hostile text went into it."""
    for rel, soup in html_pages(project / "site"):
        for script in soup.find_all("script"):
            kind = str(script.get("type", ""))
            if "json" in kind and script.string:
                # A data block may carry the hostile words as data (a claim's text), with
                # no markup that could end the element early.
                json.loads(script.string)
                assert "<" not in script.string, f"{rel}: markup inside a JSON script"
                continue
            assert f"{MARKER}()" not in (script.string or ""), f"{rel}: payload inside a script"
    json.loads((project / "site" / "facts.json").read_text(encoding="utf-8"))


NORWAY = "France has a YAML 1.1 name"


def h1_is(text: str) -> Callable[[Path], None]:
    def check_h1(project: Path) -> None:
        headings = [
            h1.get_text(" ", strip=True)
            for _, soup in html_pages(project / "site")
            for h1 in soup.find_all("h1")
        ]
        assert text in headings, f"no page is headed {text!r}"

    return check_h1


E, SAME, SHOWS, INERT, QOK = (
    Expect.ERROR,
    Expect.SAME,
    Expect.SHOWS,
    Expect.INERT,
    Expect.QUOTE_OK,
)

CASES = [
    # YAML syntax ---------------------------------------------------------------------------
    Case(
        "yaml-tab-indent",
        sub(RUSSIA, "  claim: A spokeswoman", "\tclaim: A spokeswoman"),
        E,
        ("tab", "spaces"),
        cli=True,
    ),
    Case(
        "yaml-bad-indent",
        sub(PARIS, "  date: 2026-01-06", "   date: 2026-01-06"),
        E,
        ("indented more", "line up `date:`"),
    ),
    Case(
        "yaml-unclosed-quote",
        sub(
            PARIS,
            '"The United Kingdom and France agreed to lead a multinational force"',
            '"The United Kingdom and France agreed to lead a multinational force',
        ),
        E,
        ("not closed",),
        cli=True,
    ),
    Case(
        "yaml-unquoted-colon",
        sub(RUSSIA, "claim: A spokeswoman called", "claim: Zakharova said: the spokeswoman called"),
        E,
        ("quoted",),
    ),
    Case(
        "yaml-leading-star",
        sub(PARIS, "claim: Dozens of", "claim: *Dozens* of"),
        E,
        ("quote",),
        cli=True,
    ),
    Case(
        "yaml-leading-bracket",
        sub(PARIS, "claim: Dozens of", "claim: [Draft] Dozens of"),
        E,
        ("quote",),
    ),
    Case(
        "yaml-leading-at",
        sub(RUSSIA, "claim: A spokeswoman", "claim: @Zakharova, a spokeswoman"),
        E,
        ("quote",),
        cli=True,
    ),
    Case(
        "yaml-comment-cuts-text",
        sub(
            PARIS,
            "claim: 27 European states took part in the talks.",
            "claim: 27 European states took part in the talks #1 on the agenda.",
        ),
        E,
        ("#", "quote"),
        cli=True,
    ),
    Case(
        "yaml-duplicate-key",
        sub(
            RUSSIA,
            "  topic: russian-responses\n  date: 2026-01-08\n  actors: [z",
            "  topic: russian-responses\n  claim: Again.\n  date: 2026-01-08\n  actors: [z",
            report="+1",
        ),
        E,
        ("duplicate key", "claim"),
        cli=True,
    ),
    Case(
        "yaml-several-documents",
        sub(SOURCES, "- id: beta", "---\n- id: beta"),
        E,
        ("several yaml documents",),
        cli=True,
    ),
    Case(
        "yaml-anchor-and-alias",
        anchor_then_alias(
            PARIS, "actors: [uk, france]", "actors: &both [uk, france]", "actors: *both"
        ),
        E,
        ("alias",),
    ),
    Case(
        "yaml-scalar-alias",
        anchor_then_alias(
            PARIS, "topic: paris-declaration", "topic: &t paris-declaration", "topic: *t"
        ),
        E,
        ("alias",),
        cli=True,
    ),
    Case(
        "yaml-alias-bomb",
        write("content/facts/bomb.yaml", ALIAS_BOMB, report=":1"),
        E,
        ("alias",),
        cli=True,
    ),
    Case(
        "yaml-merge-key",
        sub(
            RUSSIA,
            "- id: axis-of-war\n",
            "- id: axis-of-war\n  <<: {status: claimed}\n",
            report="+1",
        ),
        E,
        ("merge",),
    ),
    Case(
        "yaml-deep-nesting",
        write("content/facts/deep.yaml", "- id: deep\n  claim: " + "[" * 60 + "]" * 60 + "\n"),
        E,
        ("nested too deeply",),
    ),
    Case(
        "yaml-nesting-that-crashes-libyaml",
        write("content/facts/deep.yaml", "- " + "[" * 200_000 + "]" * 200_000 + "\n"),
        E,
        ("nested too deeply",),
        cli=True,
    ),
    Case(
        "yaml-python-tag",
        sub(
            PARIS,
            "claim: Dozens of countries joined the coalition.",
            f'claim: !!python/object/apply:os.system ["touch {MARKER}"]',
        ),
        E,
        ("tag",),
        cli=True,
        extra=no_file(MARKER),
    ),
    Case(
        "yaml-custom-tag",
        sub(RUSSIA, "claim: A spokeswoman", "claim: !include A spokeswoman"),
        E,
        ("tag",),
    ),
    Case(
        "yaml-complex-key",
        sub(RUSSIA, "  date: 2026-01-08\n  actors: [z", "  ? [date]\n  : 2026-01-08\n  actors: [z"),
        E,
        ("key",),
    ),
    # Encoding and shape --------------------------------------------------------------------
    Case("shape-empty-file", write(RUSSIA, ""), E, ("empty",), cli=True),
    Case("shape-comment-only", write(RUSSIA, "# facts about Russia go here\n"), E, ("empty",)),
    Case(
        "shape-mapping-not-list",
        write(SOURCES, "id: alpha\ntitle: Alpha report\n", report=":1"),
        E,
        ("list",),
    ),
    Case(
        "shape-site-is-a-list",
        write(SITE, "- title: Mini briefing\n", report=":1"),
        E,
        ("site settings",),
        cli=True,
    ),
    Case(
        "shape-plain-text",
        write(ACTORS, "United Kingdom, France and Russia\n", report=":1"),
        E,
        ("list",),
    ),
    Case(
        "enc-latin-1",
        replace_bytes(PARIS, b"Leaders signed", b"Leaders sign\xe9d"),
        E,
        ("utf-8",),
        cli=True,
    ),
    Case(
        "enc-nul-byte", replace_bytes(RUSSIA, b"A spokeswoman", b"A spokes\x00woman"), E, ("nul",)
    ),
    Case(
        "enc-utf-16",
        transform(SITE, lambda b: b.decode("utf-8").encode("utf-16")),
        E,
        ("utf-16",),
        cli=True,
    ),
    Case("enc-utf-8-bom", transform(PARIS, lambda b: b"\xef\xbb\xbf" + b), SAME, cli=True),
    Case("enc-crlf", transform(RUSSIA, lambda b: b.replace(b"\n", b"\r\n")), SAME),
    Case("enc-cr-only", transform(SITE, lambda b: b.replace(b"\n", b"\r")), SAME),
    # Front matter --------------------------------------------------------------------------
    Case(
        "fm-bom-and-crlf",
        transform(INDEX, lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n")),
        SAME,
        cli=True,
    ),
    Case(
        "fm-unclosed",
        sub(ALLIES, "order: 2\n---\n", "order: 2\n", report="file"),
        E,
        ("not closed",),
        cli=True,
    ),
    Case("fm-leading-blank-line", transform(ALLIES, lambda b: b"\n" + b), E, ("blank",)),
    Case(
        "fm-not-a-mapping",
        sub(
            ALLIES,
            "title: Allied positions\nsummary: Who offers what.\norder: 2",
            "- Allied positions\n- Who offers what.",
        ),
        E,
        ("front matter",),
    ),
    Case(
        "fm-unknown-field",
        sub(ALLIES, "summary: Who", "sumary: Who"),
        E,
        ("did you mean", "summary"),
        cli=True,
    ),
    # Types ---------------------------------------------------------------------------------
    Case(
        "type-impossible-date",
        sub(RUSSIA, "date: 2026-01-08", "date: 2026-02-29"),
        E,
        ("not a valid date", "yyyy-mm-dd"),
        cli=True,
    ),
    Case(
        "type-day-first-as-of",
        sub(SITE, "as_of: 2026-01-08", "as_of: 08/01/2026"),
        E,
        ("as_of", "yyyy-mm-dd"),
        cli=True,
    ),
    Case(
        "type-single-digit-month",
        sub(PARIS, "date: 2026-01-06", "date: 2026-1-6"),
        E,
        ("not a valid date",),
    ),
    Case("type-quoted-date", sub(PARIS, "date: 2026-01-06", 'date: "2026-01-06"'), SAME, cli=True),
    Case(
        "type-no-is-norway",
        sub(ACTORS, "name: France", "name: NO"),
        SHOWS,
        shows="NO",
        extra=h1_is("NO"),
    ),
    Case(
        "type-octal-looking-role",
        sub(ACTORS, "role: Co-lead nation", "role: 017"),
        SHOWS,
        shows="017",
    ),
    Case(
        "type-numeric-id",
        sub(RUSSIA, "id: axis-of-war", "id: 123"),
        E,
        ("not a valid id", "kebab-case"),
        cli=True,
    ),
    Case(
        "type-yes-as-status",
        sub(PARIS, "status: disputed", "status: yes"),
        E,
        ("status", "expected one of"),
    ),
    Case(
        "type-list-for-text",
        sub(
            RUSSIA, "claim: A spokeswoman called", "claim:\n    - A spokeswoman called", report="+1"
        ),
        E,
        ("claim", "not a list"),
    ),
    # Fields and references -----------------------------------------------------------------
    Case(
        "ref-typo-did-you-mean",
        sub(RUSSIA, "actors: [zakharova]", "actor: [zakharova]"),
        E,
        ("unknown field `actor`", "did you mean `actors`"),
        cli=True,
    ),
    Case(
        "ref-invisible-char-in-key",
        sub(PARIS, "  claim: Dozens", "  cl\u200baim: Dozens"),
        E,
        ("invisible", "U+200B"),
    ),
    Case(
        "ref-missing-field",
        both(
            sub(
                RUSSIA,
                "  topic: russian-responses\n  date: 2026-01-08\n  actors: [z",
                "  date: 2026-01-08\n  actors: [z",
            ),
            lambda root: f"{RUSSIA}:{line_of(root / RUSSIA, 'id: axis-of-war')}",
        ),
        E,
        ("missing required field `topic`",),
        cli=True,
    ),
    Case(
        "ref-dangling-country",
        sub(ACTORS, "country: russia", "country: rusia"),
        E,
        ("unknown actor `rusia`", "did you mean `russia`"),
        cli=True,
    ),
    Case(
        "ref-dangling-position-fact",
        sub(ACTORS, "facts: [uk-france-lead-force]", "facts: [uk-france-lead]"),
        E,
        ("unknown fact", "did you mean `uk-france-lead-force`"),
    ),
    Case(
        "ref-unknown-issue",
        sub(ACTORS, "    ground-troops:", "    ground-troop:"),
        E,
        ("unknown issue", "ground-troops"),
    ),
    Case(
        "ref-duplicate-source-id",
        sub(SOURCES, "- id: beta", "- id: alpha"),
        E,
        ("duplicate source id", "content/sources.yaml:1"),
        cli=True,
    ),
    Case(
        "ref-duplicate-fact-new-file",
        write(
            "content/facts/zz-more.yaml",
            "- id: axis-of-war\n  claim: Again.\n  topic: russian-responses\n  citations:\n"
            "    - source: beta\n      quote: Dozens of countries joined the coalition\n",
            report=":1",
        ),
        E,
        ("duplicate fact id", RUSSIA),
    ),
    # Paths ---------------------------------------------------------------------------------
    Case(
        "path-id-with-dot-dot",
        sub(RUSSIA, "id: axis-of-war", "id: ../../axis-of-war"),
        E,
        ("not a valid id",),
        cli=True,
    ),
    Case(
        "path-source-absolute",
        sub(SOURCES, "file: seeds/beta.txt", "file: /etc/passwd"),
        E,
        ("seeds/",),
    ),
    Case(
        "path-source-outside-seeds",
        sub(SOURCES, "file: seeds/beta.txt", "file: content/site.yaml"),
        E,
        ("seeds/",),
        cli=True,
    ),
    Case(
        "path-seed-symlink-out",
        symlink("seeds/beta.txt", "outside.txt"),
        E,
        ("outside seeds/",),
        cli=True,
    ),
    Case(
        "path-seed-symlink-into-content",
        symlink("seeds/beta.txt", "project/content/site.yaml"),
        E,
        ("outside seeds/",),
    ),
    Case(
        "path-fact-file-symlink-out",
        symlink("content/facts/zz-linked.yaml", "outside.yaml"),
        E,
        ("outside content/",),
    ),
    Case(
        "path-page-name-not-a-slug",
        both(sub(SITE, "allies, ", ""), rename(ALLIES, "content/pages/Allies Page.md")),
        E,
        ("slug",),
    ),
    # Quotes --------------------------------------------------------------------------------
    Case(
        "quote-curly-apostrophes",
        sub(
            RUSSIA,
            "\"called the coalition an 'axis of war'\"",
            '"called the coalition an \u2018axis of war\u2019"',
        ),
        QOK,
        shows="called the coalition an \u2018axis of war\u2019",
    ),
    Case(
        "quote-en-dash-for-em-dash",
        sub(RUSSIA, "Prime Minister said - and", "Prime Minister said \u2013 and"),
        QOK,
        shows="\u201cWe stand side by side,\u201d the Prime Minister said \u2014 and the "
        "hardest yards",
    ),
    Case(
        "quote-no-break-space",
        sub(PARIS, "quote: Leaders met in Paris", "quote: Leaders met\u00a0in Paris"),
        QOK,
        shows="Leaders met in Paris on 6 January 2026 to sign a declaration of intent.",
    ),
    Case(
        "quote-nfd-accents",
        both(
            sub("seeds/alpha.txt", "sign a declaration", "sign a d\u00e9claration"),
            sub(PARIS, "sign a declaration", unicodedata.normalize("NFD", "sign a déclaration")),
        ),
        QOK,
        shows="Leaders met in Paris on 6 January 2026 to sign a d\u00e9claration of intent.",
    ),
    Case(
        "quote-folded-lines",
        sub(
            PARIS,
            "quote: Leaders met in Paris on 6 January 2026 to",
            "quote: >-\n        Leaders met in Paris\n        on 6 January 2026 to",
        ),
        QOK,
        shows="Leaders met in Paris on 6 January 2026 to sign a declaration of intent.",
    ),
    Case(
        "quote-edited-word",
        sub(PARIS, "quote: Leaders met in Paris", "quote: Leaders met in Lyon"),
        E,
        ("not in source", "closest passage", "Leaders met in Paris on 6 January"),
        cli=True,
    ),
    Case(
        "quote-changed-case",
        sub(RUSSIA, "Moscow warned on 8 January", "Moscow warned on 8 january"),
        E,
        ("not in source", "Moscow warned on 8 January that"),
    ),
    Case(
        "quote-ellipsis",
        sub(
            PARIS,
            "Leaders met in Paris on 6 January 2026 to sign",
            "Leaders met in Paris \u2026 to sign",
        ),
        E,
        ("ellipsis", "closest passage"),
        cli=True,
    ),
    Case(
        "quote-zero-width-space",
        sub(RUSSIA, "Moscow warned on", "Moscow\u200b warned on"),
        E,
        ("invisible", "Moscow warned on 8 January"),
    ),
    Case(
        "quote-too-common",
        sub(RUSSIA, "\"called the coalition an 'axis of war'\"", "the coalition"),
        E,
        ("occurs 2 times", "lengthen"),
        cli=True,
    ),
    Case(
        "quote-empty",
        sub(RUSSIA, "\"called the coalition an 'axis of war'\"", '""'),
        E,
        ("quote", "empty"),
    ),
    # Injection -----------------------------------------------------------------------------
    Case(
        "inject-raw-html-in-claim",
        sub(
            PARIS,
            "claim: Dozens of countries",
            f"claim: <img src=x on{MARKER}=alert(1)> Dozens of countries",
        ),
        INERT,
        shows=f"<img src=x on{MARKER}=alert(1)>",
        cli=True,
    ),
    Case(
        "inject-script-in-claim",
        sub(
            PARIS,
            "claim: Dozens of countries joined the coalition.",
            f"claim: '<script>{MARKER}()</script> Dozens of countries joined the coalition.'",
        ),
        INERT,
        shows=f"<script>{MARKER}()</script>",
        extra=scripts_still_parse,
    ),
    Case(
        "inject-javascript-link",
        sub(
            PARIS, "claim: Dozens of countries", "claim: Dozens of [countries](javascript:alert(1))"
        ),
        INERT,
        shows="countries",
        cli=True,
    ),
    Case(
        "inject-obfuscated-javascript-link",
        sub(
            PARIS,
            "claim: Dozens of countries",
            "claim: Dozens of [countries](jav&#x09;ascript:alert(1)) and <JaVaScRiPt:alert(2)>",
        ),
        INERT,
        shows="countries",
    ),
    Case(
        "inject-data-link",
        sub(
            PARIS,
            "claim: Dozens of countries",
            "claim: Dozens of [countries](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKT==)",
        ),
        INERT,
        shows="countries",
    ),
    Case(
        "inject-attribute-breaking-actor-name",
        sub(ACTORS, "name: France", f"name: France\" on{MARKER}=\"alert(1)' x='"),
        INERT,
        shows=f"France\" on{MARKER}=\"alert(1)' x='",
        cli=True,
    ),
    Case(
        "inject-attribute-breaking-site-title",
        sub(SITE, "title: Mini briefing", f'title: Mini" on{MARKER}="x\' <{MARKER}> briefing'),
        INERT,
        shows=f'Mini" on{MARKER}="x\' <{MARKER}> briefing',
    ),
    Case(
        "inject-script-end-in-source-title",
        sub(
            SOURCES, "title: Beta digest", f'title: "</script><script>{MARKER}()</script><!-- Beta"'
        ),
        INERT,
        shows=f"</script><script>{MARKER}()</script><!-- Beta",
        cli=True,
        extra=scripts_still_parse,
    ),
    Case(
        "inject-script-end-in-claim",
        sub(
            RUSSIA,
            "claim: A spokeswoman called the coalition an 'axis of war'.",
            f'claim: "</script><script>{MARKER}()</script> A spokeswoman called it so."',
        ),
        INERT,
        shows=f"</script><script>{MARKER}()</script>",
        extra=scripts_still_parse,
    ),
    Case(
        "inject-csv-formula",
        sub(
            PARIS,
            "claim: Dozens of countries joined the coalition.",
            'claim: \'=HYPERLINK("https://evil.example","Dozens of countries")\'',
        ),
        INERT,
        shows="=HYPERLINK",
        cli=True,
        extra=csv_is_inert,
    ),
    Case(
        "inject-jinja-in-claim",
        sub(
            PARIS,
            "claim: Dozens of countries joined the coalition.",
            "claim: '{{ 7*7 }} {% raw %}Dozens of countries joined the coalition.'",
        ),
        INERT,
        shows="{{ 7*7 }} {% raw %}Dozens",
    ),
    Case(
        "inject-raw-html-in-page",
        sub(
            INDEX,
            "Leaders signed a declaration",
            f'<iframe src="javascript:alert(1)" on{MARKER}="1"></iframe> Leaders signed',
        ),
        INERT,
        shows="<iframe",
        cli=True,
    ),
    Case(
        "inject-markdown-image",
        sub(
            PARIS,
            "claim: Dozens of countries",
            "claim: Dozens of ![countries](https://evil.example/track.png)",
        ),
        INERT,
        shows="countries",
        extra=no_image_from("evil.example"),
    ),
    Case(
        "inject-bidi-override",
        sub(RUSSIA, "claim: A spokeswoman", "claim: A \u202espokeswoman"),
        E,
        ("U+202E",),
        cli=True,
    ),
    Case(
        "inject-terminal-escape-in-message",
        sub(PARIS, "  claim: Dozens", '  "\\e]0;pwned\\a\\e[2J": x\n  claim: Dozens'),
        E,
        ("unknown field", "\\x1b]0;pwned\\x07"),
        cli=True,
    ),
    Case(
        "inject-javascript-source-url",
        sub(SOURCES, "url: https://example.org/alpha", "url: javascript:alert(1)"),
        E,
        ("url", "https://"),
    ),
    # A base_url a browser would read as another site --------------------------------------
    Case(
        "base-url-backslash-is-another-origin",
        base_url("/\\evil.example/"),
        E,
        ("base_url", "backslash"),
        cli=True,
    ),
    Case(
        "base-url-scheme-relative",
        base_url("//evil.example/"),
        E,
        ("base_url", "another site"),
        cli=True,
    ),
    Case(
        "base-url-javascript-scheme", base_url("javascript:alert(1)"), E, ("base_url", "https://")
    ),
    Case("base-url-plain-http", base_url("http://example.org/"), E, ("base_url", "https://")),
    Case(
        "base-url-user-in-authority",
        base_url("https://example.org@evil.example/"),
        E,
        ("base_url", "host"),
    ),
    Case(
        "base-url-control-character",
        base_url('"/\\tbriefing/"'),
        E,
        ("base_url", "U+0009"),
        cli=True,
    ),
    Case("base-url-dot-dot-segment", base_url("/a/../b/"), E, ("base_url", "..")),
    Case("base-url-percent-escape", base_url("/%5cevil.example/"), E, ("base_url", "`%`")),
    # Nothing silently ignored -------------------------------------------------------------
    Case(
        "ignored-page-named-like-the-search-page",
        write("content/pages/search.md", PAGE),
        E,
        ("/search/", "rename"),
        cli=True,
    ),
    Case(
        "ignored-page-named-like-the-static-folder",
        write("content/pages/static.md", PAGE),
        E,
        ("/static/",),
    ),
    Case(
        "ignored-page-named-like-the-search-bundle",
        write("content/pages/pagefind.md", PAGE),
        E,
        ("/pagefind/",),
    ),
    Case(
        "ignored-page-named-like-the-facts-folder",
        write("content/pages/facts.md", PAGE),
        E,
        ("/facts/",),
    ),
    Case(
        "ignored-fact-file-in-a-sub-folder",
        write("content/facts/2026/more.yaml", "- id: more\n"),
        E,
        ("sub-folders",),
        cli=True,
    ),
    Case(
        "ignored-page-in-a-sub-folder",
        write("content/pages/drafts/x.md", PAGE),
        E,
        ("sub-folders",),
    ),
    Case("ignored-fifo-as-a-fact-file", fifo("content/facts/pipe.yaml"), E, ("FIFO",), cli=True),
    Case("ignored-fifo-as-a-page", fifo("content/pages/pipe.md"), E, ("FIFO",)),
    Case(
        "ignored-lone-anchor-in-site",
        sub(SITE, "title: Mini briefing", "title: &t Mini"),
        E,
        ("anchors",),
        cli=True,
    ),
    Case(
        "ignored-lone-anchor-in-front-matter",
        sub(INDEX, "title: Mini briefing", "title: &t Mini briefing"),
        E,
        ("anchors",),
    ),
    Case(
        "ignored-lone-anchor-in-facts",
        sub(PARIS, "claim: Dozens of", "claim: &c Dozens of"),
        E,
        ("anchors",),
    ),
    Case(
        "ignored-empty-page-title",
        sub(INDEX, "title: Mini briefing", 'title: ""'),
        E,
        ("title", "empty"),
        cli=True,
    ),
    Case(
        "ignored-blank-site-title",
        sub(SITE, "title: Mini briefing", "title: '   '"),
        E,
        ("title", "empty"),
    ),
    Case(
        "ignored-fact-listed-twice-in-a-page",
        sub(
            INDEX, "facts: [declaration-signed]", "facts: [declaration-signed, declaration-signed]"
        ),
        E,
        ("listed twice",),
        cli=True,
    ),
    # A quote that means something ----------------------------------------------------------
    Case(
        "quote-two-words-found-once",
        sub(PARIS, "quote: Dozens of countries joined the coalition", "quote: Dozens of"),
        E,
        ("too short", "3 words"),
    ),
    Case(
        "quote-three-words-found-once",
        sub(
            PARIS,
            "quote: Leaders met in Paris on 6 January 2026 to sign a declaration of intent.",
            "quote: met in Paris",
        ),
        E,
        ("too short", "15 characters"),
        cli=True,
    ),
    Case(
        "quote-one-letter-found-many-times",
        sub(PARIS, "quote: Dozens of countries joined the coalition", "quote: o"),
        E,
        ("occurs", "lengthen"),
    ),
    # Limits --------------------------------------------------------------------------------
    Case(
        "limit-huge-file",
        write("content/facts/huge.yaml", "# " + "x" * (9 * 1024 * 1024) + "\n"),
        E,
        ("limit",),
    ),
    Case(
        "limit-long-field",
        sub(RUSSIA, "claim: A spokeswoman called", "claim: " + "very " * 1300 + "long; called"),
        E,
        ("claim", "limit"),
        cli=True,
    ),
    Case(
        "limit-long-page-body",
        sub(ALLIES, "Positions of the allies", "[" * 250_000 + " Positions", report="+0"),
        E,
        ("body", "limit is 200,000"),
    ),
    # Environment ---------------------------------------------------------------------------
    Case("env-unreadable-file", directory("content/facts/zz-folder.yaml"), E, ("cannot read",)),
]


CASES_BY_ID = {c.id: c for c in CASES}


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project, built once (without search indexing, like every case here)."""
    project = copy_fixture(tmp_path_factory.mktemp("baseline"))
    result = run_cli(project, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture()
def project(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def test_the_table_is_big_and_named() -> None:
    assert len(CASES) >= 40
    ids = [c.id for c in CASES]
    assert len(set(ids)) == len(ids)
    for expect in Expect:
        assert any(c.expect is expect for c in CASES), expect


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mutation(case: Case, project: Path, built: Path) -> None:
    site_before = tree_digest(project / "site")
    where = case.edit(project)
    if case.expect is Expect.ERROR:
        _assert_refused(case, project, where)
        assert tree_digest(project / "site") == site_before, "the previous site/ was changed"
        assert leftovers(project) == [], "a temporary folder was left behind"
    elif case.expect is Expect.QUOTE_OK:
        result = check(project)
        assert result.ok, [p.as_text() for p in result.errors]
        assert result.briefing is not None
        passages = [c.passage for f in result.briefing.facts for c in f.citations]
        assert case.shows in passages
    else:
        _assert_builds(case, project)
        if case.expect is Expect.SAME:
            assert tree_bytes(project / "site") == tree_bytes(built / "site")
        else:
            _assert_shown(case, project, built)
    if case.extra is not None:
        case.extra(project)


def _assert_refused(case: Case, project: Path, where: str) -> None:
    file, _, line = where.partition(":")
    if case.cli:
        run = run_cli(project, "build", "--no-search")
        output = run.stdout + run.stderr
        assert run.returncode == 1, output
        assert "Traceback" not in output and "internal error" not in output, output
        assert not CONTROL.search(output), "content sent control characters to the terminal"
        place = re.escape(file) + (rf":{line}\b" if line else r"(:\d+)*:")
        assert re.search(f"(?m)^{place}", output), f"no problem at {where} in:\n{output}"
        assert "hint:" in output
        text = output
    else:
        result = build(project, search=False)
        assert not result.ok
        found = [p for p in result.errors if p.file == file and (not line or p.line == int(line))]
        assert found, f"no problem at {where}: {[p.as_text() for p in result.problems]}"
        assert all(p.hint for p in found), "every problem says how to fix it"
        text = "\n".join(f"{p.field} {p.as_text()}" for p in found)
    for words in case.says:
        assert words.lower() in text.lower(), f"{words!r} not in:\n{text}"


def test_github_annotations_carry_no_control_characters_from_content(project: Path) -> None:
    CASES_BY_ID["inject-terminal-escape-in-message"].edit(project)
    run = run_cli(project, "check", "--format", "github")
    assert run.returncode == 1
    assert "::error file=content/facts/paris.yaml,line=" in run.stdout
    assert "\\x1b]0;pwned\\x07" in run.stdout and not CONTROL.search(run.stdout + run.stderr)


def _assert_builds(case: Case, project: Path) -> None:
    if case.cli:
        run = run_cli(project, "build", "--no-search")
        assert run.returncode == 0, run.stdout + run.stderr
    else:
        result = build(project, search=False)
        assert result.ok, [p.as_text() for p in result.problems]
    assert leftovers(project) == []


def _assert_shown(case: Case, project: Path, built: Path) -> None:
    before = {rel: len(soup.find_all("script")) for rel, soup in html_pages(built / "site")}
    seen = False
    for rel, soup in html_pages(project / "site"):
        assert injected(soup, MARKER) == [], rel
        assert len(soup.find_all("script")) == before.get(rel, 0), f"{rel}: a script was added"
        seen = seen or case.shows in soup.get_text()
    assert seen, f"no page shows {case.shows!r} as text"


# Environment: a template error, a build killed mid-way ----------------------------------------


def test_template_error_is_reported_with_its_place(project: Path) -> None:
    template = sorted((project / "templates").rglob("*.html"))[0]
    rel = template.relative_to(project).as_posix()
    lines = template.read_text(encoding="utf-8").split("\n")
    lines.insert(1, "{% if %}")
    template.write_text("\n".join(lines), encoding="utf-8")
    site_before = tree_digest(project / "site")
    run = run_cli(project, "build", "--no-search")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    assert f"{rel}:2" in output, output
    assert tree_digest(project / "site") == site_before
    assert leftovers(project) == []


KILLED_BUILD = """
import os, signal, sys
from builder.cli import main
when = os.environ["KILL_WHEN"]
real_write, real_replace = os.write, os.replace
writes = 0
def write(fd, data):
    global writes
    writes += 1
    if when == "fifth-page" and writes == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_write(fd, data)
def replace(src, dst):
    if when == "between-renames" and ".site.tmp-" in str(src):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst)
os.write = write
os.replace = replace
sys.exit(main(sys.argv[1:]))
"""


def _killed_build(project: Path, when: str) -> None:
    """A real build process that SIGKILLs itself at `when`, like an OOM kill or a power cut."""
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, "--root", str(project), "build", "--no-search"],
        env={**os.environ, "PYTHONPATH": str(REPO), "KILL_WHEN": when},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr


def test_a_build_killed_mid_way_leaves_the_old_site_and_is_cleaned_up(project: Path) -> None:
    sub(PARIS, "Leaders signed", "Leaders have signed")(project)
    site_before = tree_digest(project / "site")
    _killed_build(project, "fifth-page")
    assert tree_digest(project / "site") == site_before, "a killed build changed site/"
    run = run_cli(project, "build", "--no-search")
    assert run.returncode == 0, run.stderr
    assert leftovers(project) == [], "the next build removes what the killed one left"
    pages = "".join(soup.get_text() for _, soup in html_pages(project / "site"))
    assert "Leaders have signed" in pages


def test_a_build_killed_between_the_renames_loses_no_site(project: Path) -> None:
    """Killed after moving the old site aside and before moving the new one in: the next
    build, even one that fails on a content error, puts the old site back."""
    site_before = tree_digest(project / "site")
    sub(PARIS, "Leaders signed", "Leaders have signed")(project)
    _killed_build(project, "between-renames")
    assert not (project / "site").exists()
    sub(PARIS, "date: 2026-01-06", "date: 2026-02-30")(project)
    run = run_cli(project, "build", "--no-search")
    assert run.returncode == 1, run.stderr
    assert tree_digest(project / "site") == site_before
    assert leftovers(project) == []


def test_a_symlinked_folder_in_the_output_cannot_make_a_rebuild_write_outside(
    project: Path, tmp_path: Path
) -> None:
    from builder.incremental import full_build, rebuild
    from builder.write import UnsafePath

    first = full_build(project, project / "site", search=False)
    assert first.state is not None
    outside = tmp_path / "outside"
    outside.mkdir()
    page_dir = project / "site" / "facts" / "dozens-of-countries"
    shutil.rmtree(page_dir)
    page_dir.symlink_to(outside, target_is_directory=True)
    sub(PARIS, "Dozens of countries joined", "Many countries joined")(project)
    with pytest.raises(UnsafePath):
        rebuild(first.state, project, project / "site", search=False)
    assert list(outside.iterdir()) == [], "a rebuild wrote through the symlink"


@pytest.mark.parametrize("out", [".", "..", "content", "content/facts", "seeds", "templates/x"])
def test_an_output_folder_that_would_replace_the_inputs_is_refused(project: Path, out: str) -> None:
    before = {name: tree_digest(project / name) for name in ("content", "seeds", "templates")}
    run = run_cli(project, "build", "--no-search", "--out", str(project / out))
    assert run.returncode == 1, run.stderr
    assert "a build would replace it" in run.stderr and "Traceback" not in run.stderr
    assert {name: tree_digest(project / name) for name in before} == before


# base_url on the command line, and pages that load nothing from elsewhere -------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "/\\evil.example/",
        "//evil.example/",
        "https:evil",
        "javascript:alert(1)",
        "/a\x1bb/",
        "ftp://example.org/",
    ],
)
def test_a_base_url_option_a_browser_would_read_as_another_site_is_a_usage_error(
    project: Path, base_url: str
) -> None:
    site_before = tree_digest(project / "site")
    run = run_cli(project, "build", "--no-search", "--base-url", base_url)
    assert run.returncode == 2, run.stderr
    assert "--base-url" in run.stderr and "https://example.org/briefing/" in run.stderr
    assert "Traceback" not in run.stderr and not CONTROL.search(run.stderr)
    assert tree_digest(project / "site") == site_before


def _foreign_loads(page: Path, page_url: str) -> list[str]:
    """Every URL the page would load (styles, scripts, images, frames, preloads) that is not
    on the page's own origin."""
    from urllib.parse import urljoin, urlsplit

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_bytes(), "html.parser")
    own = urlsplit(page_url).netloc
    loads = [tag.get("src") for tag in soup.find_all(["script", "img", "iframe", "source"])]
    loads += [
        tag.get("href")
        for tag in soup.find_all("link")
        if set(tag.get("rel") or ()) & {"stylesheet", "preload", "modulepreload", "icon"}
    ]
    return [
        str(url)
        for url in loads
        if url is not None
        and urlsplit(urljoin(page_url, str(url).replace("\\", "/"))).netloc != own
    ]


@pytest.mark.parametrize(
    "base_url",
    [
        "/",
        "/briefing/",
        "briefing",
        "/a/b.c~d-e_f",
        "https://example.org/briefing/",
        "HTTPS://example.org",
    ],
)
def test_every_accepted_base_url_gives_pages_that_load_nothing_from_another_origin(
    project: Path, base_url: str
) -> None:
    run = run_cli(project, "build", "--no-search", "--base-url", base_url)
    assert run.returncode == 0, run.stderr
    pages = sorted((project / "site").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        url = "https://example.org/briefing/" + page.relative_to(project / "site").as_posix()
        assert _foreign_loads(page, url) == [], page


# The output folder: only an empty one, a new one or a site a build made is replaced -------


def _documents(folder: Path) -> dict[str, str]:
    (folder / "notes").mkdir(parents=True)
    (folder / "letter.txt").write_text("precious", encoding="utf-8")
    (folder / "notes" / "draft.md").write_text("more", encoding="utf-8")
    return tree_digest(folder)


def test_a_build_into_a_folder_of_documents_is_refused_and_deletes_nothing(
    project: Path, tmp_path: Path
) -> None:
    documents = tmp_path / "Documents"
    before = _documents(documents)
    run = run_cli(project, "build", "--no-search", "--out", str(documents))
    assert run.returncode == 1, run.stderr
    assert "is not a site briefing built" in run.stderr and "nothing was deleted" in run.stderr
    assert "Traceback" not in run.stderr
    assert tree_digest(documents) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Documents", "project"]


def test_a_build_writes_into_a_new_or_empty_folder_and_marks_it_as_a_site(
    project: Path, tmp_path: Path
) -> None:
    from builder.write import SITE_MARKER

    empty = tmp_path / "empty"
    empty.mkdir()
    for out in (empty, tmp_path / "new" / "deep"):
        run = run_cli(project, "build", "--no-search", "--out", str(out))
        assert run.returncode == 0, run.stderr
        assert (out / SITE_MARKER).is_file() and (out / "index.html").is_file()
        (out / "stray.txt").write_text("a file the next build replaces", encoding="utf-8")
        again = run_cli(project, "build", "--no-search", "--out", str(out))
        assert again.returncode == 0, again.stderr  # a site a build made is replaced
        assert not (out / "stray.txt").exists()


def test_a_site_an_older_version_built_is_still_recognised_by_its_manifest(
    project: Path,
) -> None:
    from builder.write import SITE_MARKER

    (project / "site" / SITE_MARKER).unlink(missing_ok=True)  # as an older version left it
    assert (project / ".site.manifest.json").is_file()
    run = run_cli(project, "build", "--no-search")
    assert run.returncode == 0, run.stderr
    assert (project / "site" / SITE_MARKER).is_file()


def _serve_refused(project: Path, out: str) -> subprocess.CompletedProcess[str]:
    """`briefing serve --out OUT` must stop at once: it is killed after 20 s otherwise."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "builder",
            "--root",
            str(project),
            "serve",
            "--port",
            "0",
            "--out",
            out,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=20,
    )


def test_serve_refuses_a_folder_of_documents_and_deletes_nothing(
    project: Path, tmp_path: Path
) -> None:
    documents = tmp_path / "Documents"
    before = _documents(documents)
    run = _serve_refused(project, str(documents))
    assert run.returncode == 2, run.stdout + run.stderr
    assert "is not a site briefing built" in run.stderr and "serving" not in run.stdout
    assert tree_digest(documents) == before


@pytest.mark.parametrize("out", ["/", "..", "."])
def test_serve_never_serves_the_file_system_or_a_parent_of_the_project(
    project: Path, out: str
) -> None:
    before = tree_digest(project / "content")
    run = _serve_refused(project, str(project / out) if out != "/" else out)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "holds the project itself" in run.stderr and "serving" not in run.stdout
    assert tree_digest(project / "content") == before


# The output folder, interrupted or reached through a symlink, stays whole ------------------


def test_a_symlinked_site_is_written_through_and_stays_a_link(
    project: Path, tmp_path: Path
) -> None:
    real = tmp_path / "published"
    shutil.move(project / "site", real)
    (project / "site").symlink_to(real, target_is_directory=True)
    sub(PARIS, "Leaders signed", "Leaders have signed")(project)
    run = run_cli(project, "build", "--no-search")
    assert run.returncode == 0, run.stderr
    assert (project / "site").is_symlink() and (project / "site").resolve() == real
    pages = "".join(soup.get_text() for _, soup in html_pages(real))
    assert "Leaders have signed" in pages
    assert leftovers(project) == [] and leftovers(tmp_path) == [], "a .site.old-* was left"
    assert not any(".old-" in p.name or ".tmp-" in p.name for p in tmp_path.iterdir())


def test_a_symlinked_site_pointing_at_documents_is_refused_and_deletes_nothing(
    project: Path, tmp_path: Path
) -> None:
    documents = tmp_path / "Documents"
    before = _documents(documents)
    shutil.rmtree(project / "site")
    (project / "site").symlink_to(documents, target_is_directory=True)
    run = run_cli(project, "build", "--no-search")
    assert run.returncode == 1 and "is not a site briefing built" in run.stderr
    assert tree_digest(documents) == before and (project / "site").is_symlink()


def test_a_failed_build_into_a_new_deep_path_leaves_no_empty_folders(
    project: Path, tmp_path: Path
) -> None:
    sub(PARIS, "date: 2026-01-06", "date: 2026-02-30")(project)
    run = run_cli(project, "build", "--no-search", "--out", str(tmp_path / "a" / "b" / "site"))
    assert run.returncode == 1, run.stderr
    assert not (tmp_path / "a").exists()


KILLED_REBUILD = """
import os, signal, sys
from pathlib import Path
from builder.incremental import full_build, rebuild
root, when = Path(sys.argv[1]), sys.argv[2]
state = full_build(root, root / "site", search=False).state
facts = root / "content" / "facts" / "paris.yaml"
facts.write_text(facts.read_text("utf-8").replace("Leaders signed", "Leaders have signed"), "utf-8")
real_replace, moves = os.replace, 0
def replace(src, dst):
    global moves
    if when == "before-the-journal" and str(dst).endswith("journal.json"):
        os.kill(os.getpid(), signal.SIGKILL)
    if "/files/" in str(src):
        moves += 1
        if when == "mid-moves" and moves == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst)
os.replace = replace
rebuild(state, root, root / "site", search=False)
"""


def _temporary(project: Path) -> list[str]:
    """What a killed process left beside `site/`, but its lock file: the kernel released the
    lock, and the next build removes the file."""
    return [name for name in leftovers(project) if name != ".site.lock"]


def _killed_rebuild(project: Path, when: str) -> None:
    """A preview's rebuild (after one saved edit) that SIGKILLs itself at `when`."""
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_REBUILD, str(project), when],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr


def test_a_preview_rebuild_killed_while_writing_leaves_the_old_site_and_no_temporary_file(
    project: Path,
) -> None:
    from builder.write import clean_stale

    site_before = tree_digest(project / "site")
    _killed_rebuild(project, "before-the-journal")
    assert tree_digest(project / "site") == site_before, "a killed rebuild mixed old and new"
    clean_stale(project / "site")  # what the next build or preview does first
    assert tree_digest(project / "site") == site_before
    assert _temporary(project) == []


def test_a_preview_rebuild_killed_while_moving_files_in_is_finished_by_the_next_start(
    project: Path, tmp_path: Path
) -> None:
    from builder.write import clean_stale

    _killed_rebuild(project, "mid-moves")
    clean_stale(project / "site")  # what the next build or preview does first
    assert _temporary(project) == []
    assert build(project, out=tmp_path / "clean", search=False).ok
    assert tree_digest(project / "site") == tree_digest(tmp_path / "clean")


# Ordinary events end with a message and exit 1 or 2, never an internal error ---------------


def test_a_reader_that_closes_the_pipe_ends_the_command_without_an_internal_error(
    project: Path,
) -> None:
    sub(PARIS, "date: 2026-01-06", "date: 2026-02-30")(project)  # something to print
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "--root", str(project), "check", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    process.stdout.close()  # as `| head` does once it has its lines
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert "internal error" not in err and "Traceback" not in err
    assert "closed the pipe" in err


@pytest.mark.parametrize("port", ["70000", "-1", "eighty"])
def test_a_port_out_of_range_is_a_usage_error(project: Path, port: str) -> None:
    run = run_cli(project, "serve", "--port", port)
    assert run.returncode == 2, run.stderr
    assert "--port" in run.stderr and "internal error" not in run.stderr


def test_an_unwritable_schema_folder_is_an_io_message(project: Path) -> None:
    (project / "a-file").write_text("not a folder", encoding="utf-8")
    run = run_cli(project, "schema", "--out", str(project / "a-file" / "schemas"))
    assert run.returncode == 1, run.stderr
    assert "cannot write into" in run.stderr and "internal error" not in run.stderr


def test_a_file_name_with_a_line_break_cannot_forge_a_message_line(project: Path) -> None:
    forged = "paris.yaml:1:1: error: forged"  # a file name holds no `/`
    (project / "content" / "facts" / f"x\n{forged}\n.yaml").write_text("", encoding="utf-8")
    run = run_cli(project, "check")
    assert run.returncode == 1, run.stderr
    lines = run.stderr.splitlines()
    assert not any(line.startswith(forged) for line in lines), run.stderr
    assert any("x\\nparis.yaml:1:1" in line for line in lines), run.stderr


# `new fact --file` writes only fact files the build reads ----------------------------------


@pytest.mark.parametrize(
    "file",
    [
        "../outside.yaml",
        "{tmp}/elsewhere.yaml",
        "content/site.yaml",
        "content/facts/sub/new.yaml",
        "content/facts/new.txt",
        "content/facts/.hidden.yaml",
        "content/facts",
    ],
)
def test_new_fact_file_outside_content_facts_is_refused_and_writes_nothing(
    project: Path, tmp_path: Path, file: str
) -> None:
    before = {name: tree_digest(project / name) for name in ("content", "seeds", "templates")}
    outside = sorted(p.name for p in tmp_path.iterdir())
    run = run_cli(
        project, "new", "fact", "--topic", "paris-declaration", "--file", file.format(tmp=tmp_path)
    )
    assert run.returncode == 2, run.stderr
    assert "fact files live in" in run.stderr and "Traceback" not in run.stderr
    assert {name: tree_digest(project / name) for name in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == outside


def test_new_fact_file_relative_to_the_project_lands_in_its_facts_folder(
    project: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "builder",
            "--root",
            str(project),
            "new",
            "fact",
            "--topic",
            "paris-declaration",
            "--title",
            "A new one",
            "--file",
            "content/facts/new.yaml",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "id: a-new-one" in (project / "content" / "facts" / "new.yaml").read_text("utf-8")
    assert list(elsewhere.iterdir()) == []


# One mistake, one message -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        (PARIS, "  date: 2026-01-06", '  date: "2026-01-06'),
        (SITE, "title: Mini briefing", 'title: "Mini briefing'),
        (ACTORS, "- id: uk", '- id: "uk'),
        (SOURCES, "- id: beta", '- id: "beta'),
    ],
)
def test_a_syntax_error_is_reported_alone_with_its_consequences_in_one_line(
    project: Path, rel: str, old: str, new: str
) -> None:
    sub(rel, old, new)(project)
    run = run_cli(project, "check")
    assert run.returncode == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if ": error" in line]
    assert len(errors) == 1 and errors[0].startswith(rel), run.stderr
    assert "syntax error" in errors[0]
    folded = [line for line in run.stderr.splitlines() if "not checked" in line]
    assert len(folded) <= 1 and all(line.startswith(rel) for line in folded), run.stderr


@pytest.mark.parametrize(("field", "kind"), [("topics", "topic"), ("issues", "issue")])
def test_a_list_of_site_yaml_that_is_not_a_list_is_one_error_not_one_per_reference(
    project: Path, field: str, kind: str
) -> None:
    site = project / SITE
    text = site.read_text(encoding="utf-8")
    # `topics: 5`: the list's items go, the field stays with a number for a value
    block = re.search(rf"^{field}:\n(?:  .*\n)+", text, re.M)
    assert block is not None
    site.write_text(text.replace(block.group(), f"{field}: 5\n"), encoding="utf-8")
    run = run_cli(project, "check")
    assert run.returncode == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if ": error" in line]
    assert len(errors) == 1 and errors[0].startswith(SITE), run.stderr
    assert f"expected a list of {field}" in errors[0], run.stderr
    assert f"unknown {kind}" not in run.stderr
    folded = [line for line in run.stderr.splitlines() if "not checked" in line]
    assert len(folded) == 1 and folded[0].startswith(SITE), run.stderr


def test_an_unreadable_seed_is_reported_as_unreadable_not_as_missing(project: Path) -> None:
    seed = project / "seeds" / "beta.txt"
    seed.unlink()
    os.mkfifo(seed)
    run = run_cli(project, "check")
    assert run.returncode == 1, run.stderr
    assert "seeds/beta.txt: error: cannot read the file" in run.stderr
    assert "not found" not in run.stderr, run.stderr
