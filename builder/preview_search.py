"""The preview's search: what a reader can find, held in memory and answered by words.

Goes in: the briefing after each good build. Comes out: the preview's answers to the search
box, in the shape the search box reads from Pagefind (`STANDIN_MODULE` is served in place of
`pagefind/pagefind.js`), so a save shows in search as soon as its pages are written, with no
indexer run. The published site keeps Pagefind.

The records are the site's own (`findable`): one per fact, actor, ally, source, topic and
page. Each remembers what making it read (`reads`), and after an edit only the records that
read something it changed are made again. A record matches when each word of the query
begins one of its words (letter case and accents aside); no stemming. Title matches rank
first.
"""

from __future__ import annotations

import bisect
import html
import json
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from builder.briefing import Briefing
from builder.findable import SearchRecord, record_makers
from builder.reads import collecting, reading

EXCERPT_WORDS = 24
"""About as many words as the search box asks Pagefind for (`excerptLength`)."""
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Record:
    """One searchable page as the search box shows it."""

    url: str
    title: str
    kind: str
    event: str
    text: str
    """What a reader searches on the page, whitespace folded."""
    words: frozenset[str]
    """Its words, folded (`fold`)."""
    title_words: frozenset[str]
    reads: frozenset[str]
    """What making it read (see `reads`)."""


def fold(text: str) -> str:
    """Lower case without accents: `Élysée` and `elysee` are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _record(made: SearchRecord, url: str, names: AbstractSet[str]) -> Record:
    text = " ".join(made.body.striptags().split())
    return Record(
        url,
        made.title,
        made.kind,
        made.event,
        text,
        frozenset(_WORD.findall(fold(text))),
        frozenset(_WORD.findall(fold(made.title))),
        frozenset(names),
    )


_ABOUT = {"facts": "fact", "actors": "actor", "allies": "actor", "sources": "source"}


def _about(path: str) -> str:
    """The name of what a record is about (its maker is handed it, not reading it): the
    fact of `facts/x/`, the actor of `actors/x/` and `allies/x/`, the source, the page of
    `<slug>/`; a topic's record shows the site's topics."""
    head, _, rest = path.strip("/").partition("/")
    if head == "topics":
        return "site"
    return f"{_ABOUT[head]}:{rest}" if rest else f"page:{head}"


class SearchIndex:
    """The records of the preview's site, by URL, with each word's records."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        """Held while the records change or are read."""
        self._writing = threading.Lock()
        """Held while records are made: one refresh at a time, in the order asked."""
        self._ready = threading.Event()
        self._records: dict[str, Record] = {}
        self._pages: dict[str, set[str]] = {}
        """Folded word -> URLs of the records that have it."""
        self._vocabulary: list[str] = []
        """Every folded word, sorted (for prefix lookups)."""

    def refresh(
        self, briefing: Briefing, base_path: str, changed: AbstractSet[str] | None = None
    ) -> int:
        """Bring the records up to date with `briefing`: every one (`changed` None, or the
        site changed, which every record shows), else those new, gone, or whose making read
        a name in `changed`. How many were made or dropped."""
        everything = changed is None or "site" in changed
        with self._writing:
            makers = {base_path + path: make for path, make in record_makers(reading(briefing))}
            found: dict[str, Record | None] = dict.fromkeys(self._records.keys() - makers)
            for url, make in makers.items():
                old = self._records.get(url)
                if everything or old is None or not old.reads.isdisjoint(changed or ()):
                    with collecting() as names:
                        made = make()
                    names.add(_about(url[len(base_path) :]))
                    found[url] = _record(made, url, names)
            with self._lock:
                for url, record in found.items():
                    self._put(url, record)
        self._ready.set()
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
        """The URLs of the records matching every word of `query`, best first (waiting up
        to `timeout` for the first records)."""
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
                for url in matched:
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
