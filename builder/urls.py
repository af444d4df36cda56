"""Every URL of the site, and the output file behind it, built in one place.

Goes in: the site's `base_url` and ids. Comes out: absolute-path URLs (`/briefing/facts/x/`)
for links, full URLs for feeds and sitemaps, and output paths (`facts/x/index.html`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import SplitResult, quote, urlsplit

_PATH_SAFE = "/#:~=,&-._"
_NEEDS_NO_QUOTING = re.compile(r"[A-Za-z0-9/#:~=,&._-]*").fullmatch
"""Paths made only of characters `quote` keeps as they are (most ids): skip quoting them."""


@lru_cache(maxsize=64)
def _split(base_url: str) -> SplitResult:
    """`urlsplit` of the base URL, parsed once rather than for each of a site's links."""
    return urlsplit(base_url)


_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?::(\d{1,5}))?"
).fullmatch
"""A host name or IPv4 address, with an optional port: no user, no IPv6, nothing else."""
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:").match
BASE_URL_HINT = (
    "write a path such as `/briefing/` (or `/`), or a full address such as "
    "`https://example.org/briefing/`"
)


def base_url_problem(base_url: str) -> str | None:
    """Why `base_url` cannot be the site's address, or None when it is a clean path or an
    absolute `https://` URL. Every page loads its styles and scripts from under it, so
    anything a browser could read as another origin (`//host`, `/\\host`, `javascript:`,
    control characters it drops) is refused rather than normalised."""
    base = base_url.strip()
    scheme = _SCHEME(base)
    if scheme is not None:
        if not base.lower().startswith("https://"):
            return f"`base_url` must be a path or an https:// address, not a `{scheme.group()}` URL"
        authority, _, path = base[len("https://") :].partition("/")
        host = _HOST(authority)
        if host is None or (host.group(1) and not 0 < int(host.group(1)) < 65536):
            return f"`base_url` has no valid host name after https:// (found {authority!r})"
        path = "/" + path
    elif base.startswith("//"):
        return (
            "`base_url` starts with `//`, which browsers read as the address of another "
            "site (a scheme-relative URL)"
        )
    else:
        path = base
    for char in path:
        if not (char.isascii() and (char.isalnum() or char in "/._~-")):
            return f"`base_url` may not contain {_described(char)}"
    if "//" in path:
        return "`base_url` has an empty segment (`//`) in its path"
    if any(part in (".", "..") for part in path.split("/")):
        return "`base_url` may not contain `.` or `..` segments"
    return None


def _described(char: str) -> str:
    if char == "\\":
        return "a backslash (browsers read it as `/`, making `/\\host` another site)"
    if not char.isprintable() or char.isspace():
        return f"the invisible character U+{ord(char):04X}"
    return f"`{char}` (only letters, digits, `-`, `_`, `.`, `~` and `/` are allowed)"


def normalise_base_url(base_url: str) -> str:
    """`briefing` / `/briefing` / `/briefing/` -> `/briefing/`; full URLs keep their origin."""
    base = base_url.strip() or "/"
    parts = urlsplit(base)
    if parts.scheme and parts.netloc:
        path = parts.path or "/"
        prefix = f"{parts.scheme}://{parts.netloc}"
    else:
        path, prefix = base, ""
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return prefix + path


@dataclass(frozen=True, slots=True)
class Urls:
    """URL builder. `path()` results are site-absolute paths under the base path; `absolute()`
    adds the origin when `base_url` has one (feeds and sitemaps need it)."""

    base_url: str = "/"
    origin: str = field(init=False, compare=False, repr=False)
    """`https://host` when `base_url` has one, else ``."""
    base_path: str = field(init=False, compare=False, repr=False)
    """The path every URL starts with, `/` or `/base/`."""
    _paths: dict[str, str] = field(init=False, compare=False, repr=False)
    """`path`'s results: a big site makes each of its links several times."""

    def __post_init__(self) -> None:
        # Read once: a big site makes hundreds of thousands of links from them.
        parts = _split(self.base_url)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        object.__setattr__(self, "origin", origin)
        object.__setattr__(self, "base_path", parts.path or "/")
        object.__setattr__(self, "_paths", {})

    def path(self, relative: str) -> str:
        """`facts/x/` -> `/base/facts/x/`."""
        found = self._paths.get(relative)
        if found is None:
            rel = relative.lstrip("/")
            found = self.base_path + (
                rel if _NEEDS_NO_QUOTING(rel) else quote(rel, safe=_PATH_SAFE)
            )
            self._paths[relative] = found
        return found

    def absolute(self, relative: str) -> str:
        return self.origin + self.path(relative)

    # Pages -------------------------------------------------------------------------------
    def home(self) -> str:
        return self.path("")

    def page(self, slug: str) -> str:
        return self.home() if slug == "index" else self.path(f"{slug}/")

    def topic(self, topic_id: str) -> str:
        return self.path(f"topics/{topic_id}/")

    def fact(self, fact_id: str) -> str:
        return self.path(f"facts/{fact_id}/")

    def actor(self, actor_id: str) -> str:
        return self.path(f"actors/{actor_id}/")

    def actors(self) -> str:
        return self.path("actors/")

    def ally(self, actor_id: str) -> str:
        return self.path(f"allies/{actor_id}/")

    def source(self, source_id: str) -> str:
        return self.path(f"sources/{source_id}/")

    def sources(self) -> str:
        return self.path("sources/")

    def citation(self, source_id: str, anchor: str) -> str:
        """The marked passage on the source page."""
        return f"{self.source(source_id)}#{anchor}"

    def timeline(self) -> str:
        return self.path("timeline/")

    def timeline_month(self, month: str) -> str:
        """A month's page of a timeline too long for one page (`month`: `2026-01`)."""
        return self.path(f"timeline/{month}/")

    def disputes(self) -> str:
        return self.path("disputes/")

    def how_to_read(self) -> str:
        return self.path("how-to-read/")

    def search(self) -> str:
        return self.path("search/")

    def static(self, name: str) -> str:
        return self.path(f"static/{name}")

    def feed(self) -> str:
        return self.path("feed.xml")

    def facts_json(self) -> str:
        return self.path("facts.json")

    def facts_csv(self) -> str:
        return self.path("facts.csv")

    def sitemap(self) -> str:
        return self.path("sitemap.xml")


RESERVED_SLUGS = frozenset(
    (
        "actors",
        "changes",
        "corrections",
        "disputes",
        "facts",
        "how-to-read",
        "pagefind",
        "search",
        "sources",
        "static",
        "timeline",
        "topics",
    )
)
"""Top-level folders the site's own pages and files live in: a page (`content/pages/*.md`)
of one of these names would take their URL, or hide files under it."""


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


_PLAIN_PATH = re.compile(r"[\w-][\w.~-]*(?:/[\w-][\w.~-]*)*", re.ASCII).fullmatch
"""Segments of word characters, `.`, `~` and `-` not starting with a dot: every page of a
site whose ids are plain words, and safe without a closer look."""


def checked_path(rel: str) -> str:
    """`rel`, a relative output path with no `..`, no absolute part and no empty segment."""
    if _PLAIN_PATH(rel) is None and (
        not rel
        or rel.startswith("/")
        or "\\" in rel
        or "\x00" in rel
        or any(part in ("", ".", "..") for part in rel.split("/"))
    ):
        raise UnsafePath(f"refusing to write outside the output folder: {rel!r}")
    return rel


def output_path(relative_url: str) -> str:
    """`facts/x/` -> `facts/x/index.html`; `feed.xml` stays; `` -> `index.html`."""
    rel = relative_url.lstrip("/")
    if rel == "" or rel.endswith("/"):
        return rel + "index.html"
    return rel


@lru_cache(maxsize=1 << 16)
def text_fragment_url(url: str, passage: str, words: int = 4) -> str:
    """A link to `passage` in the original document: `url#:~:text=start,end`.

    Long passages use the first and last few words so the link survives small edits.
    Remembered: each citation's link is shown by its fact's card, its source's page and
    the machine outputs, made in whichever processes render them.
    """
    tokens = passage.split()
    if len(tokens) <= 2 * words:
        fragment = _fragment_quote(" ".join(tokens))
    else:
        start = _fragment_quote(" ".join(tokens[:words]))
        end = _fragment_quote(" ".join(tokens[-words:]))
        fragment = f"{start},{end}"
    return f"{url.split('#', 1)[0]}#:~:text={fragment}"


_QUOTE_FREE = re.compile(r"[A-Za-z0-9_.~ -]*").fullmatch
"""Text whose only character `quote` changes is the space (most passages' words)."""


def _fragment_quote(text: str) -> str:
    # '-', ',' and '&' are syntax inside a text directive and must be escaped.
    if _QUOTE_FREE(text):
        return text.replace(" ", "%20").replace("-", "%2D")
    return quote(text, safe="").replace("-", "%2D")
