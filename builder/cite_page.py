"""The citation finder as a page of the preview: goes in a query string (`q`, `source`,
`limit`), comes out the page (or, for the page's own script, just the results) with the
passages `builder.cite` offers, each with its place, its citing facts and a YAML block to
copy.

The page works without JavaScript (a plain GET form); its script, served beside it, shows
results as the editor types and copies a block with one click. Sources and facts are read
again whenever one of their files changes, so the page follows the editor's saves.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs

from builder.cite import LIMIT, NOTHING_HINT, Library, Offer, find, load_library, nothing_found
from builder.preview import PREFIX, Tool
from builder.urls import Urls

PAGE = PREFIX + "cite"
SCRIPT = PREFIX + "cite.js"
STYLE = PREFIX + "cite.css"
MAX_WORDS = 500
"""Longest query taken, in characters (a pasted paragraph is plenty)."""
MAX_LIMIT = 50

HTML_TYPE = "text/html; charset=utf-8"

FINDER_SCRIPT = b"""\
// The citation finder: results as you type, and one click to copy a citation.
(() => {
  const form = document.getElementById("finder");
  const results = document.getElementById("results");
  let timer = 0;
  let asked = 0;
  const search = () => {
    const params = new URLSearchParams(new FormData(form));
    const mine = ++asked;
    params.set("part", "results");
    fetch(form.action + "?" + params.toString())
      .then((response) => response.text())
      .then((answer) => {
        if (mine !== asked) return;
        results.innerHTML = answer;
        params.delete("part");
        history.replaceState(null, "", "?" + params.toString());
      })
      .catch(() => {});
  };
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  const copied = (button) => {
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy YAML"; }, 2000);
  };
  results.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const block = document.getElementById(button.dataset.copy);
    const byHand = () => {
      getSelection().selectAllChildren(block);
      if (document.execCommand("copy")) copied(button);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(block.textContent).then(() => copied(button), byHand);
    } else {
      byHand();
    }
  });
})();
"""

FINDER_STYLE = b"""\
:root { color-scheme: light dark; --mark: #ffe066; --line: #8884; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem 1.25rem 3rem;
  font: 16px/1.5 system-ui, sans-serif; }
form { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; }
label { display: flex; flex-direction: column; font-weight: 600; gap: 0.25rem; }
label.words { flex: 1 1 20rem; }
input, select, button { font: inherit; padding: 0.4rem 0.6rem; }
ol { padding-left: 1.5rem; }
li.offer { border-top: 1px solid var(--line); padding: 0.75rem 0; }
li.offer h2 { font-size: 1rem; margin: 0 0 0.25rem; }
.where, .how { font-weight: normal; opacity: 0.8; }
blockquote { margin: 0.25rem 0 0.5rem; }
mark { background: var(--mark); color: #000; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; padding: 0.5rem; margin: 0.5rem 0;
  border: 1px solid var(--line); font: 14px/1.4 ui-monospace, Menlo, Consolas, monospace; }
.note { font-style: italic; }
"""


class FinderPage:
    """The finder's page, script and stylesheet, over one project's sources and facts."""

    def __init__(self, root: Path, base_path: Callable[[], str]) -> None:
        self.root = root
        self.base_path = base_path
        """Where the previewed site lives, for links to the facts that cite a passage."""
        self._lock = threading.Lock()
        self._library: Library | None = None
        self._read: tuple[tuple[str, int, int], ...] = ()

    def routes(self) -> dict[str, Tool]:
        return {
            PAGE: self.answer,
            SCRIPT: lambda _query: (HTTPStatus.OK, FINDER_SCRIPT, "text/javascript; charset=utf-8"),
            STYLE: lambda _query: (HTTPStatus.OK, FINDER_STYLE, "text/css; charset=utf-8"),
        }

    def answer(self, query: str) -> tuple[HTTPStatus, bytes, str]:
        """The page for a query string (or only its results, for the page's script)."""
        asked = parse_qs(query, max_num_fields=8)
        words = asked.get("q", [""])[0][:MAX_WORDS].strip()
        source = asked.get("source", [""])[0] or None
        limit = asked.get("limit", [""])[0]
        count = min(int(limit), MAX_LIMIT) if limit.isdigit() and int(limit) else LIMIT
        library = self.library()
        if source not in library.ids():
            source = None
        results = self._results(library, words, source, count)
        if asked.get("part") == ["results"]:
            return HTTPStatus.OK, results.encode(), HTML_TYPE
        return HTTPStatus.OK, self._page(library, words, source, results).encode(), HTML_TYPE

    def library(self) -> Library:
        """The sources and facts, read again when one of their files changed."""
        with self._lock:
            files = self._files()
            if self._library is None or files != self._read:
                self._library = load_library(self.root)
                self._read = files
            return self._library

    def _files(self) -> tuple[tuple[str, int, int], ...]:
        """Every file the library is read from, with its modification time and size."""
        found = []
        content = self.root / "content"
        paths = [
            content / "sources.yaml",
            *sorted((content / "facts").glob("*.yaml")),
            *sorted(p for p in (self.root / "seeds").rglob("*") if p.is_file()),
        ]
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def _results(self, library: Library, words: str, source: str | None, limit: int) -> str:
        if not words:
            return (
                '<p class="note">Type a few words you remember from a passage, in any '
                "order: names, numbers, a word or two of what was said.</p>"
            )
        answer = find(library, words, source, limit)
        if not answer.offers:
            message, elsewhere = nothing_found(library, words, source, answer)
            hint = (
                f"{elsewhere} has some of them: choose “every source” to see them."
                if elsewhere
                else NOTHING_HINT[0].upper() + NOTHING_HINT[1:] + "."
            )
            return (
                f'<p class="nothing" role="status">{html.escape(message.capitalize())}. '
                f"{html.escape(hint)}</p>"
            )
        where = f"in {source}" if source else "in every source"
        urls = Urls(self.base_path())
        items = "".join(_offer(n, offer, urls) for n, offer in enumerate(answer.offers, 1))
        return (
            f'<p role="status">The {len(answer.offers)} best passages {where} for '
            f'<q>{html.escape(words)}</q>:</p><ol class="offers">{items}</ol>'
        )

    def _page(self, library: Library, words: str, source: str | None, results: str) -> str:
        options = "".join(
            f'<option value="{html.escape(i)}"{" selected" if i == source else ""}>'
            f"{html.escape(i)}</option>"
            for i in library.ids()
        )
        home = html.escape(self.base_path())
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'\">"
            "<title>Find a citation · briefing preview</title>"
            f'<link rel="stylesheet" href="{STYLE}"><script src="{SCRIPT}" defer></script>'
            "</head><body><main><h1>Find a citation</h1>"
            f'<form id="finder" action="{PAGE}" method="get" role="search">'
            '<label class="words">Words you remember<input name="q" type="search" '
            f'value="{html.escape(words)}" autocomplete="off" autofocus></label>'
            '<label>Source<select name="source"><option value="">every source</option>'
            f'{options}</select></label><button type="submit">Find</button></form>'
            f'<section id="results" aria-live="polite">{results}</section>'
            f'<p><a href="{home}">Back to the preview</a></p></main></body></html>'
        )


def _offer(number: int, offer: Offer, urls: Urls) -> str:
    passage = "".join(
        f"<mark>{html.escape(piece)}</mark>" if mark else html.escape(piece)
        for piece, mark in offer.segments
    )
    if offer.cited_by:
        facts = ", ".join(
            f'<a href="{html.escape(urls.fact(c.fact))}">{html.escape(c.fact)}</a> '
            f"({html.escape(c.file)}:{c.line})"
            for c in offer.cited_by
        )
        cited = f'<p class="cited">Already cited by {facts}</p>'
    else:
        cited = '<p class="cited">Not cited by any fact yet.</p>'
    note = (
        ""
        if offer.unique
        else '<p class="note">This passage occurs more than once; lengthen the quote.</p>'
    )
    block = f"yaml-{number}"
    return (
        f'<li class="offer"><h2><span class="source">{html.escape(offer.source)}</span> '
        f'<span class="where">{html.escape(offer.file)}:{offer.line}</span> '
        f'<span class="how">({html.escape(offer.how)})</span></h2>'
        f"<blockquote>{passage}</blockquote>{note}{cited}"
        f'<pre class="yaml" id="{block}">{html.escape(offer.citation_yaml())}</pre>'
        f'<button type="button" data-copy="{block}">Copy YAML</button></li>'
    )
