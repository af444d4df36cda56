"""Helpers of the mutation suite: copy a valid tree, break it with one edit, run a build, and
look at what an editor and a reader would see (the message, the old site, the new pages)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

Edit = Callable[[Path], str]
"""Changes the tree at the given root; returns where the mistake is: `file:line` or `file`."""


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first occurrence of `needle` (it must be there)."""
    text = path.read_text(encoding="utf-8")
    at = text.find(needle)
    assert at >= 0, f"{needle!r} not in {path}: the fixture changed, update the case"
    return text.count("\n", 0, at) + 1


def sub(rel: str, old: str, new: str, *, report: str = "line") -> Edit:
    """Replace the first `old` with `new`; the mistake is on `old`'s line (or `report="file"`,
    or `report="+N"` lines below it)."""

    def edit(root: Path) -> str:
        path = root / rel
        line = line_of(path, old)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        if report == "file":
            return rel
        return f"{rel}:{line + int(report[1:]) if report.startswith('+') else line}"

    return edit


def write(rel: str, data: bytes | str, *, report: str = "file") -> Edit:
    """Replace or create a file's whole content; `report` is `file` or `file:LINE`-style
    suffix such as `:3`."""

    def edit(root: Path) -> str:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return rel if report == "file" else f"{rel}{report}"

    return edit


def transform(rel: str, change: Callable[[bytes], bytes]) -> Edit:
    """Rewrite a file's bytes (encodings, line endings)."""

    def edit(root: Path) -> str:
        path = root / rel
        path.write_bytes(change(path.read_bytes()))
        return rel

    return edit


def tree_digest(path: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under `path` (symlinks as their target text)."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for item in sorted(path.rglob("*")):
        rel = item.relative_to(path).as_posix()
        if item.is_symlink():
            out[rel] = "link:" + os.readlink(item)
        elif item.is_file():
            out[rel] = hashlib.sha256(item.read_bytes()).hexdigest()
    return out


def tree_bytes(path: Path) -> dict[str, bytes]:
    return {
        p.relative_to(path).as_posix(): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def leftovers(project: Path) -> list[str]:
    """Temporary files or folders a build left beside `site/` (the manifest is kept on
    purpose and the lock file is removed on release)."""
    return sorted(
        p.name
        for p in project.iterdir()
        if p.name.startswith(".site") and not p.name.endswith(".manifest.json")
    )


# Reading the built pages as a browser would -------------------------------------------------

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "srcset", "data", "xlink:href")
SAFE_SCHEMES = ("http", "https", "mailto", "")


def html_pages(site: Path) -> Iterator[tuple[str, BeautifulSoup]]:
    for path in sorted(site.rglob("*.html")):
        yield (
            path.relative_to(site).as_posix(),
            BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser"),
        )


def injected(soup: BeautifulSoup, marker: str) -> list[str]:
    """Everything on a page a hostile `marker` managed to turn into markup: an element or
    attribute named after it, an event handler, or a URL with a scheme other than http(s),
    mailto or none."""
    found: list[str] = []
    for tag in soup.find_all(True):
        if marker in tag.name:
            found.append(f"element <{tag.name}>")
        for name, value in tag.attrs.items():
            values = value if isinstance(value, list) else [value]
            if marker in name or name.startswith("on"):
                found.append(f"attribute {name}= on <{tag.name}>")
            if name in URL_ATTRIBUTES:
                for url in values:
                    scheme = urlsplit(url.strip()).scheme.lower()
                    if scheme not in SAFE_SCHEMES:
                        found.append(f"{scheme}: URL in {name}= on <{tag.name}>")
    return found
