"""The preview's search: the pages readers search, held in memory and answered by words.

Goes in: the built site folder, then the pages each rebuild writes or removes. Comes out:
the preview's answers to the search box, in the shape the search box reads from Pagefind
(`STANDIN_MODULE` is served in place of `pagefind/pagefind.js`), so a save shows in search
as soon as its pages are written, with no indexer run. The published site keeps Pagefind.

What is indexed is what Pagefind indexes: pages marked `data-pagefind-body`, without the
parts marked `data-pagefind-ignore`, titled by their first `<h1>`, with their `kind` and
`event` meta. A page matches when each word of the query begins a word of the page
(letter case and accents aside); no stemming. Title matches rank first.
"""

from __future__ import annotations

import bisect
import html
import json
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

EXCERPT_WORDS = 24
"""About as many words as the search box asks Pagefind for (`excerptLength`)."""
_WORD = re.compile(r"\w+")
_VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class Record:
    """One searchable page as the search box shows it."""

    url: str
    title: str
    kind: str
    event: str
    text: str
    """The page's searchable text, in reading order, whitespace folded."""
    words: frozenset[str]
    """Its words, folded (`fold`)."""
    title_words: frozenset[str]


def fold(text: str) -> str:
    """Lower case without accents: `Élysée` and `elysee` are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _Reader(HTMLParser):
    """The text of a page's `data-pagefind-body` element, less its ignored parts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.body_at = -1
        """Depth of the indexed element (-1: outside it)."""
        self.ignore_at = -1
        self.h1_at = -1
        self.event_at = -1
        self.kind = ""
        self.parts: list[str] = []
        self.title: list[str] = []
        self.event: list[str] = []
        self.indexed = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        self.depth += 1
        names = dict(attrs)
        if self.body_at < 0 and "data-pagefind-body" in names:
            self.body_at, self.indexed = self.depth, True
            meta = names.get("data-pagefind-meta") or ""
            if meta.startswith("kind:"):
                self.kind = meta[5:]
        if self.body_at < 0:
            return
        if self.ignore_at < 0 and "data-pagefind-ignore" in names:
            self.ignore_at = self.depth
        if self.h1_at < 0 and not self.title and tag == "h1":
            self.h1_at = self.depth
        if names.get("data-pagefind-meta") == "event":
            self.event_at = self.depth
        if tag in ("p", "li", "h1", "h2", "h3", "dt", "dd", "div", "section", "br"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.depth == self.ignore_at:
            self.ignore_at = -1
        if self.depth == self.h1_at:
            self.h1_at = -1
        if self.depth == self.event_at:
            self.event_at = -1
        if self.depth == self.body_at:
            self.body_at = -1
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.body_at < 0:
            return
        if self.h1_at >= 0:
            self.title.append(data)
        if self.event_at >= 0:
            self.event.append(data)
        if self.ignore_at < 0:
            self.parts.append(data)


def read_record(page: bytes, url: str) -> Record | None:
    """The page's record, or None for a page not meant to be searched."""
    if b"data-pagefind-body" not in page:
        return None
    reader = _Reader()
    reader.feed(page.decode("utf-8", "replace"))
    reader.close()
    if not reader.indexed:
        return None
    text = " ".join("".join(reader.parts).split())
    title = " ".join("".join(reader.title).split())
    return Record(
        url,
        title,
        reader.kind,
        " ".join("".join(reader.event).split()),
        text,
        frozenset(_WORD.findall(fold(text))),
        frozenset(_WORD.findall(fold(title))),
    )


def page_url(base_path: str, rel: str) -> str:
    """The URL a page file is served at: `facts/x/index.html` -> `<base>facts/x/`."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base_path + rel


class SearchIndex:
    """The searchable pages of the preview's site, by URL, with each word's pages."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        """Held while the records change or are read."""
        self._writing = threading.Lock()
        """Held from reading pages to recording them: a page read before a rebuild wrote
        it again is not recorded after the rebuild's newer reading."""
        self._ready = threading.Event()
        self._records: dict[str, Record] = {}
        self._pages: dict[str, set[str]] = {}
        """Folded word -> URLs of the pages that have it."""
        self._vocabulary: list[str] = []
        """Every folded word, sorted (for prefix lookups)."""

    def load(self, site_dir: Path, base_path: str) -> None:
        """Read every page of the site (the preview does this once, in the background)."""
        pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
        self.update(site_dir, base_path, pages, ())
        self._ready.set()

    def update(
        self, site_dir: Path, base_path: str, written: Iterable[str], removed: Iterable[str]
    ) -> int:
        """Read again the pages a rebuild wrote, forget those it removed; how many were read."""
        with self._writing:
            return self._update(site_dir, base_path, written, removed)

    def _update(
        self, site_dir: Path, base_path: str, written: Iterable[str], removed: Iterable[str]
    ) -> int:
        found: dict[str, Record | None] = {}
        for rel in written:
            if rel.endswith(".html"):
                try:
                    data = (site_dir / rel).read_bytes()
                except OSError:
                    data = b""
                found[page_url(base_path, rel)] = read_record(data, page_url(base_path, rel))
        for rel in removed:
            if rel.endswith(".html"):
                found[page_url(base_path, rel)] = None
        with self._lock:
            for url, record in found.items():
                self._put(url, record)
        return len(found)

    def _put(self, url: str, record: Record | None) -> None:
        old = self._records.pop(url, None)
        if old is not None:
            for word in old.words:
                self._pages[word].discard(url)
        if record is None:
            return
        self._records[url] = record
        for word in record.words:
            pages = self._pages.get(word)
            if pages is None:
                pages = self._pages[word] = set()
                bisect.insort(self._vocabulary, word)
            pages.add(url)

    def search(self, query: str, timeout: float = 30.0) -> list[str]:
        """The URLs of the pages matching every word of `query`, best first."""
        self._ready.wait(timeout)
        terms = _WORD.findall(fold(query))
        if not terms:
            return []
        with self._lock:
            hits: Counter[str] = Counter()
            matched: set[str] | None = None
            for term in dict.fromkeys(terms):
                pages: set[str] = set()
                at = bisect.bisect_left(self._vocabulary, term)
                while at < len(self._vocabulary) and self._vocabulary[at].startswith(term):
                    pages |= self._pages[self._vocabulary[at]]
                    at += 1
                matched = pages if matched is None else matched & pages
                if not matched:
                    return []
                for url in pages & matched:
                    record = self._records[url]
                    if any(w.startswith(term) for w in record.title_words):
                        hits[url] += 10
                    hits[url] += 1
            return sorted(matched or (), key=lambda url: (-hits[url], url))

    def result(self, url: str, query: str) -> dict[str, object] | None:
        """What the search box shows of one result: its URL, title, kind, event, excerpt."""
        with self._lock:
            record = self._records.get(url)
        if record is None:
            return None
        meta = {"title": record.title, "kind": record.kind}
        if record.event:
            meta["event"] = record.event
        return {"url": url, "meta": meta, "excerpt": excerpt(record.text, query)}


def excerpt(text: str, query: str) -> str:
    """About `EXCERPT_WORDS` words of `text` around the first word the query begins, as
    HTML with the matching words in `<mark>` (as Pagefind's excerpts are)."""
    terms = [fold(t) for t in _WORD.findall(query)]
    words = text.split(" ")
    marked = [any(fold(w).lstrip("“\"'(").startswith(t) for t in terms) for w in words]
    first = marked.index(True) if True in marked else 0
    start = max(0, min(first - EXCERPT_WORDS // 3, len(words) - EXCERPT_WORDS))
    shown = range(start, min(len(words), start + EXCERPT_WORDS))
    return " ".join(
        f"<mark>{html.escape(words[i])}</mark>" if marked[i] else html.escape(words[i])
        for i in shown
    )


def answer(index: SearchIndex, query_string: str) -> tuple[int, bytes]:
    """`?q=words` -> the matching URLs (JSON list); `?q=words&url=U` -> one result."""
    from urllib.parse import parse_qs

    params = parse_qs(query_string)
    query = params.get("q", [""])[0]
    url = params.get("url", [""])[0]
    if url:
        found = index.result(url, query)
        return (200 if found is not None else 404), json.dumps(found).encode()
    return 200, json.dumps(index.search(query)).encode()


STANDIN_MODULE = """\
// The preview's stand-in for Pagefind's module: the same calls the search box makes,
// answered by the preview server from the pages it holds in memory (see
// builder/preview_search.py). The published site loads Pagefind's own module here.
const endpoint = %s;
export async function options() {}
export async function init() {}
export async function search(query) {
  const answer = await fetch(endpoint + "?q=" + encodeURIComponent(query));
  if (!answer.ok) throw new Error("search failed");
  const urls = await answer.json();
  return {
    results: urls.map((url) => ({
      id: url,
      data: () =>
        fetch(endpoint + "?q=" + encodeURIComponent(query) + "&url=" + encodeURIComponent(url))
          .then((r) => r.json()),
    })),
  };
}
"""
