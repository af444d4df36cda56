"""A local document -> the text a source's quotes are checked against.

Goes in: the bytes of a plain-text, Markdown or saved-HTML file. Comes out: a `Capture`: the
text to archive under `seeds/` (plain text and Markdown exactly as they are; a saved HTML
article's text extracted by trafilatura, whose output depends on nothing but the bytes and
its pinned version) and, for HTML, the raw bytes to keep beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from builder.errors import Problem
from builder.load import decode

TEXT_SUFFIXES = {
    ".txt": "plain text",
    ".text": "plain text",
    ".md": "Markdown",
    ".markdown": "Markdown",
}
HTML_SUFFIXES = (".html", ".htm")


class CaptureError(Exception):
    """The file cannot be archived; `hint` says what to do instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Capture:
    text: bytes
    """The archived text, UTF-8: what `seeds/` keeps and quotes are verified against."""
    raw: bytes | None
    """The original bytes, kept beside the text when the text was extracted from them."""
    kind: str
    """What the file was: `plain text`, `Markdown` or `saved HTML`."""
    extractor: str = ""
    """The library and version that extracted the text (empty when kept as it was)."""


def capture(name: str, data: bytes) -> Capture:
    """The archive of one file, by its name's suffix; a `CaptureError` when it cannot be."""
    suffix = PurePath(name).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        problems: list[Problem] = []
        if decode(data, name, problems) is None:
            raise CaptureError(problems[0].message, problems[0].hint)
        if not data.strip():
            raise CaptureError("the file is empty", "archive a file that holds the document")
        return Capture(data, None, TEXT_SUFFIXES[suffix])
    if suffix in HTML_SUFFIXES:
        return _from_html(data)
    raise CaptureError(
        f"cannot archive a `{suffix or 'suffix-less'}` file",
        "archive plain text (.txt), Markdown (.md) or a saved HTML page (.html); "
        "save a PDF's text as .txt first",
    )


def _from_html(data: bytes) -> Capture:
    import trafilatura

    # Every option that could make the output depend on anything but the bytes is off:
    # no cache shared between calls (deduplicate), no fetching, no metadata guessing.
    text = trafilatura.extract(
        data,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        deduplicate=False,
        with_metadata=False,
        fast=False,
    )
    if not text or not text.strip():
        raise CaptureError(
            "no article text found in the HTML",
            "save the article's own page (not a list or a login page), or copy "
            "its text into a .txt file and archive that",
        )
    body = "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"
    return Capture(
        body.encode("utf-8"), data, "saved HTML", f"trafilatura {trafilatura.__version__}"
    )
