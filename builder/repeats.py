"""A rendered page whose cards repeat a note -> the note said once, later copies shortened.

Goes in: a page's HTML in which a template wrapped each note that may recur as
`<!--once KEY-->full<!--again-->short<!--/once-->` (a dispute's explanation appears on the
card of each side, and a page may show both). Comes out: the first copy of each KEY in
full, every later one in its short form. Content cannot write the markers: every text is
escaped, so `<!--` only ever comes from a template.
"""

from __future__ import annotations

import re

_ONCE = re.compile(r"<!--once ([a-z0-9+-]+)-->(.*?)<!--again-->(.*?)<!--/once-->", re.DOTALL)


def say_once(html: str) -> str:
    """`html` with each marked note in full where it first appears, short after that."""
    if "<!--once " not in html:
        return html
    seen: set[str] = set()

    def pick(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in seen:
            return match.group(3)
        seen.add(key)
        return match.group(2)

    return _ONCE.sub(pick, html)
