"""A deterministic synthetic briefing of N facts, in the real content format.

Goes in: a fact count N and an output directory. Comes out: a project root with
`content/` (site.yaml, sources.yaml, actors.yaml, facts/*.yaml of 100 facts each, pages/*.md)
and `seeds/*.txt`, shaped like `docs/content-format.md` describes, so the real builder can
build it with zero problems. Scales like the reference corpus: N/20 sources of 60 sentences,
N/50 actors, 8 topics (500 sources and 200 actors at N = 10,000).

Every quote is a passage of its source that contains the sentence's unique token
(`ref-<source>-<sentence>`) with a word on each side, so it occurs exactly once. Claims hold
no digits (a number in a claim that no quote states is a warning). One fact in seven is
undated; one in forty disputes its neighbour.

usage: python benchmarks/gen_corpus.py N OUTDIR
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

WORDS = (
    "allies",
    "force",
    "ceasefire",
    "declaration",
    "monitoring",
    "troops",
    "hubs",
    "coalition",
    "guarantees",
    "parliament",
    "deployment",
    "security",
    "pledge",
    "summit",
    "envoy",
    "training",
    "equipment",
    "air",
    "sea",
    "land",
    "deterrence",
    "sovereignty",
    "framework",
    "funding",
    "reassurance",
    "statement",
    "spokesman",
    "ministry",
)
TOPICS = (
    ("paris-declaration", "The Paris declaration"),
    ("mnf-u", "The Multinational Force Ukraine"),
    ("allied-positions", "Allied positions"),
    ("russian-responses", "Russian responses"),
    ("us-role", "The United States' role"),
    ("negotiations", "Negotiations"),
    ("battlefield", "The battlefield"),
    ("background", "Background"),
)
ISSUES = (
    ("ground-troops", "Ground troops"),
    ("air-support", "Air support"),
    ("naval", "Naval"),
    ("monitoring", "Monitoring"),
    ("funding", "Funding"),
    ("legal-basis", "Legal basis"),
)
STANCES = ("committed", "conditional", "ruled-out", "offered-other", "unstated")
OUTLETS = (
    "Reuters",
    "BBC",
    "AP",
    "AFP",
    "Le Monde",
    "The Guardian",
    "Politico",
    "Kyiv Independent",
    "Times Radio",
    "Financial Times",
    "Der Spiegel",
    "Euronews",
)
KINDS = ("news", "news", "news", "analysis", "aggregator", "official")
BUILT_IN_NAV = ("timeline", "disputes", "sources", "actors", "search")
SENTENCES_PER_SOURCE = 60
FACTS_PER_FILE = 100
SEED = 42


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _words(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(WORDS) for _ in range(n)]


def _sentence(rng: random.Random, token: str) -> str:
    words = _words(rng, rng.randint(12, 24))
    words.insert(rng.randint(2, len(words) - 2), token)
    return " ".join(words).capitalize() + "."


def _date(rng: random.Random) -> str:
    month = rng.choice(("2025-09", "2025-10", "2025-11", "2025-12", "2026-01"))
    if rng.random() < 0.1:
        return month
    return f"{month}-{rng.randint(1, 28):02d}"


def sizes(n: int) -> tuple[int, int]:
    """(sources, actors) for N facts, as the reference corpus scales them."""
    return max(5, n // 20), max(10, n // 50)


def generate(n: int, out: Path) -> None:
    """Write a corpus of `n` facts under `out` (replacing `out/content` and `out/seeds`)."""
    rng = random.Random(SEED)
    n_src, n_act = sizes(n)
    for sub in ("content", "seeds"):
        shutil.rmtree(out / sub, ignore_errors=True)
    (out / "content" / "facts").mkdir(parents=True)
    (out / "content" / "pages").mkdir(parents=True)
    (out / "seeds").mkdir(parents=True)

    texts = _write_sources(rng, n_src, out)
    actor_kinds = _actor_kinds(n_act)
    facts, by_actor = _facts(rng, n, texts, n_act)
    _write_actors(rng, actor_kinds, by_actor, out)
    _write_facts(facts, out)
    _write_pages(rng, n, out)
    _write_site(out)


def _write_sources(rng: random.Random, n_src: int, out: Path) -> list[list[str]]:
    texts: list[list[str]] = []
    lines: list[str] = []
    for i in range(n_src):
        sents = [_sentence(rng, f"ref-{i}-{j}") for j in range(SENTENCES_PER_SOURCE)]
        texts.append(sents)
        file = f"seeds/source-{i:05d}.txt"
        (out / file).write_text("\n".join(sents) + "\n", encoding="utf-8")
        outlet = rng.choice(OUTLETS) if i % 4 else "unknown"
        lines += [
            f"- id: source-{i:05d}",
            f"  title: {_q(f'Report {i}: ' + ' '.join(_words(rng, 5)))}",
            f"  outlet: {_q(outlet)}",
            f"  published: {_date(rng) if i % 3 else 'unknown'}",
            f"  kind: {KINDS[i % len(KINDS)]}",
            f"  file: {file}",
        ]
        if i % 2:
            lines.append(f"  url: https://example.org/reports/{i}")
        lines.append(f"  cites: [{', '.join(_q(o) for o in rng.sample(OUTLETS, i % 3))}]")
    (out / "content" / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return texts


def _actor_kinds(n_act: int) -> list[str]:
    """Every fifth actor a person, every seventh an organisation, the rest countries."""
    return [
        "person" if i % 5 == 4 else "organisation" if i % 7 == 6 else "country"
        for i in range(n_act)
    ]


def _facts(
    rng: random.Random, n: int, texts: list[list[str]], n_act: int
) -> tuple[list[list[str]], dict[int, list[str]]]:
    """Each fact as its YAML lines, and the fact ids of each actor."""
    facts: list[list[str]] = []
    by_actor: dict[int, list[str]] = {}
    for i in range(n):
        fid = f"fact-{i:06d}"
        claim = _words(rng, rng.randint(20, 30))
        claim[0] = claim[0].capitalize()
        claim[3] = f"*{claim[3]}*"
        claim[8] = f"[{claim[8]}](https://example.org/{claim[8]})"
        lines = [
            f"- id: {fid}",
            f"  claim: {_q(' '.join(claim) + '.')}",
            f"  topic: {TOPICS[i % len(TOPICS)][0]}",
        ]
        if i % 7:
            lines.append(f"  date: {_date(rng)}")
        actors = sorted(rng.sample(range(n_act), rng.randint(1, 3)))
        for a in actors:
            by_actor.setdefault(a, []).append(fid)
        lines.append(f"  actors: [{', '.join(f'actor-{a:04d}' for a in actors)}]")
        lines.append("  citations:")
        for s in sorted(rng.sample(range(len(texts)), rng.randint(1, 3))):
            j = rng.randrange(SENTENCES_PER_SOURCE)
            words = texts[s][j].split()
            t = words.index(f"ref-{s}-{j}")
            start = t - rng.randint(2, min(t, 5))
            end = t + 1 + rng.randint(2, min(len(words) - t - 1, 5))
            lines.append(f"    - source: source-{s:05d}")
            lines.append(f"      quote: {_q(' '.join(words[start:end]))}")
        if i % 40 == 39:
            lines.append("  status: disputed")
            lines.append("  disputes:")
            lines.append(f"    - fact: fact-{i - 1:06d}")
            lines.append("      kind: contradicts")
            lines.append(f"      note: {_q('Sources differ on the ' + rng.choice(WORDS) + '.')}")
        facts.append(lines)
    return facts, by_actor


def _write_actors(
    rng: random.Random, kinds: list[str], by_actor: dict[int, list[str]], out: Path
) -> None:
    countries = [i for i, k in enumerate(kinds) if k == "country"]
    lines: list[str] = []
    for i, kind in enumerate(kinds):
        lines += [
            f"- id: actor-{i:04d}",
            f"  name: {_q(f'Actor {i}')}",
            f"  kind: {kind}",
            f"  aliases: [{_q(f'Alias {i}')}]",
            f"  role: {_q(' '.join(_words(rng, 4)).capitalize())}",
        ]
        if kind != "country":
            lines.append(f"  country: actor-{countries[i % len(countries)]:04d}")
        facts = by_actor.get(i, [])
        if kind == "country" and i % 4 == 0 and facts:
            lines.append("  positions:")
            for issue, _title in rng.sample(ISSUES, rng.randint(2, 4)):
                backing = sorted(rng.sample(facts, min(len(facts), rng.randint(1, 2))))
                lines += [
                    f"    {issue}:",
                    f"      stance: {rng.choice(STANCES)}",
                    f"      facts: [{', '.join(backing)}]",
                ]
    (out / "content" / "actors.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_facts(facts: list[list[str]], out: Path) -> None:
    for k in range(0, len(facts), FACTS_PER_FILE):
        body = "\n".join(line for fact in facts[k : k + FACTS_PER_FILE] for line in fact)
        path = out / "content" / "facts" / f"facts-{k // FACTS_PER_FILE:04d}.yaml"
        path.write_text(body + "\n", encoding="utf-8")


def _write_pages(rng: random.Random, n: int, out: Path) -> None:
    pages: list[tuple[str, str, str | None]] = [("index", "The synthetic briefing", None)]
    pages += [(tid, title, tid if k == 0 else None) for k, (tid, title) in enumerate(TOPICS[:3])]
    for order, (slug, title, topic) in enumerate(pages):
        cited = sorted(rng.sample(range(n), min(n, 4)))
        head = [
            "---",
            f"title: {_q(title)}",
            f"summary: {_q(' '.join(_words(rng, 8)).capitalize() + '.')}",
            f"order: {order}",
            f"facts: [{', '.join(f'fact-{c:06d}' for c in cited[:2])}]",
        ]
        if topic:
            head.append(f"topic: {topic}")
        paras = [" ".join(_words(rng, 15)).capitalize() + f" [@fact-{c:06d}]." for c in cited]
        text = "\n".join([*head, "---", "", "\n\n".join(paras)]) + "\n"
        (out / "content" / "pages" / f"{slug}.md").write_text(text, encoding="utf-8")


def _write_site(out: Path) -> None:
    lines = [
        f"title: {_q('A synthetic briefing')}",
        f"description: {_q('Generated content for the benchmark.')}",
        "language: en",
        "base_url: /",
        "as_of: 2026-01-08",
        f"nav: [{', '.join(t for t, _ in TOPICS[:3])}, {', '.join(BUILT_IN_NAV)}]",
        "topics:",
    ]
    for tid, title in TOPICS:
        lines += [f"  - id: {tid}", f"    title: {_q(title)}"]
    lines.append("issues:")
    for iid, title in ISSUES:
        lines += [f"  - id: {iid}", f"    title: {_q(title)}"]
    (out / "content" / "site.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of facts")
    parser.add_argument("out", type=Path, help="project root to write")
    args = parser.parse_args(argv)
    generate(args.n, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
