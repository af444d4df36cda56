"""What checking a fact file needs from the sources: each valid source with its index, and a
digest that changes whenever anything the check reads from them does (the preview's key).
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.load import ParseCache
from builder.model import Source
from builder.quotes import SourceIndex
from builder.records import State


@dataclass(frozen=True, slots=True)
class Context:
    """What checking a fact file needs from elsewhere: the valid sources, each with its index.
    `digest` changes whenever anything a fact file's check reads from them changes; it is
    empty without a `ParseCache`, the only reader of it."""

    sources: dict[str, Source]
    indexes: dict[str, SourceIndex]
    digest: str


def fact_context(state: State, cache: ParseCache | None) -> Context:
    """The sources with their indexes (reused from `cache` while a source's text is the same)."""
    indexes: dict[str, SourceIndex] = {}
    read = tuple(
        (sid, state.sources[sid].file, state.sources[sid].text) for sid in sorted(state.sources)
    )
    for sid, _, text in read:
        kept = cache.made(f"index:{sid}", text) if cache is not None else None
        index = kept if isinstance(kept, SourceIndex) else SourceIndex(text)
        if cache is not None and kept is None:
            cache.keep(f"index:{sid}", text, index)
        indexes[sid] = index
    return Context(dict(state.sources), indexes, _sources_digest(read, cache))


def _sources_digest(read: tuple[tuple[str, str, str], ...], cache: ParseCache | None) -> str:
    """The digest of the sources as read, `(id, file, text)` each, kept in `cache`; empty
    without a cache, its only reader (a one-off build hashes no source text before
    checking can begin)."""
    if cache is None:
        return ""
    # Comparing the texts with the last ones (mostly the very same strings) is quicker
    # than hashing them again.
    known = cache.made("context", read)
    if isinstance(known, str):
        return known
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    for sid, file, text in read:
        digest.update(f"{sid}\0{file}\0{len(text)}\0".encode())
        digest.update(text.encode())
    made = digest.hexdigest()
    cache.keep("context", read, made)
    return made
