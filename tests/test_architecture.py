"""The package is a pipeline: each module imports only from stages before it.

A new module must be placed in STAGES, which reads like the pipeline's table of contents.
Lazy imports inside functions count too: they are still dependencies.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "builder"

STAGES = [
    "__init__",
    "errors",  # the problem value
    "gitrepo",  # files and commits of the project's git repository, read-only
    "model",  # frozen dataclasses of the briefing's records
    "briefing",  # the whole briefing and its derived indexes
    "reads",  # what each page read while rendering; what an edit changed
    "urls",  # every URL, honouring base_url
    "nodes",  # located YAML nodes (value, line, column)
    "libyaml",  # YAML of any shape -> located nodes, through libyaml
    "load",  # files -> located YAML nodes
    "quotes",  # quote normalisation and lookup
    "selectors",  # W3C Web Annotation selectors of cited passages
    "pinning",  # sources' digests; each quote's fate when a pinned file changed
    "events",  # each fact's event; the scope check
    "disputes",  # statuses derived from `contradicts` disputes
    "lints",  # meaning checks: claims stronger than their quotes
    "fold",  # a broken file's consequences folded into one line
    "values",  # how ids and dates are written: patterns, parsing, a suggested id
    "fields",  # located nodes read as typed fields, a problem for every mismatch
    "records",  # what checking collects: problems, ids and their places, references
    "check_site",  # content/site.yaml -> the Site
    "check_sources",  # content/sources.yaml -> Sources with their texts
    "check_actors",  # content/actors.yaml -> Actors and their positions
    "check_citations",  # a fact's quotes, each found once in its source
    "check_facts",  # one fact record -> a Fact
    "check_context",  # the sources as fact files are checked against them, with a digest
    "fact_files",  # fact files checked one by one, spread and cached
    "check_pages",  # content/pages/*.md -> Pages
    "check_withdrawn",  # withdrawn ids and old ids' successors
    "check_refs",  # references checked once every id is known
    "validate",  # raw records -> model, or every problem
    "fastpaths",  # inline markdown and template escaping, the quick way
    "snapshots",  # the briefing at a git revision, as changes are judged
    "changes",  # what a change does to the published briefing
    "history",  # each fact's first-published and last-changed dates, from git
    "markdown",  # the one markdown renderer
    "pictures",  # inline SVG pictures whose shapes link to facts
    "footnotes",  # one page's citations numbered, its References list
    "repeats",  # a note a page repeats, said once
    "cards",  # fact cards, rendered once
    "jsonld",  # schema.org JSON-LD of fact and source pages
    "views",
    "site_context",  # what every context is built from: briefing, URLs, cards, layout
    "timeline_pages",  # the chronology, undated facts by event, the timeline strip
    "allies",  # the positions matrix and each ally's page
    "actor_pages",  # the actors' list and pages; facts grouped by actor
    "source_pages",  # sources, each text cut at its cited passages and marked
    "contexts",  # the other pages' contexts (the tested contract)
    "datapackage",  # the tables beside facts.csv and their Data Package descriptor
    "guide",  # the "How to read this briefing" page
    "timepages",  # corrections, withdrawn ids, redirects, the review page
    "xmlformats",  # the XML templates (feed, entries, sitemap), escaped as ElementTree does
    "feeds",  # facts.json, facts.csv, feed.xml, sitemap.xml, robots.txt
    "parallel",  # work shared among forked processes, results in order
    "templating",  # templates/ -> a Jinja environment; template errors located
    "plan",  # briefing -> every page job
    "write",  # files -> site/, atomically
    "progress",  # stage and page progress on a terminal
    "render",  # page jobs -> their bytes, into the site writer
    "findable",  # what search finds: one record per fact, actor, source, topic, page
    "search",  # search records -> the Pagefind bundle
    "lock",  # one build at a time per output folder
    "build",  # the build as one function; check = build minus write
    "incremental",  # rebuild only what a change touches
    "schema",  # JSON Schemas of the content files
    "scaffold",  # `briefing new`
    "passages",  # source texts cut into sentences and folded for search
    "finder",  # passages ranked for remembered words (BM25, alignment)
    "citing",  # the facts that cite a source, parsed only where it is named
    "cite",  # `briefing cite`: offers with their citing facts, printed
    "reports",  # problems as CI reads them: SARIF, the GitHub job summary
    "capture",  # a local document -> archived text (+ raw capture)
    "archive",  # `briefing sources add|pin|verify`
    "preview",  # the preview's HTTP server: safe paths, reload stream, overlay
    "cite_page",  # the citation finder as a page of the preview
    "preview_search",  # the preview's search: the pages in memory, answered by words
    "serve",  # `briefing serve`: watch, rebuild, reload
    "cli",  # argument parsing; problems become text
    "__main__",
]


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "builder":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("builder."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("builder."))
    return found - {path.stem}


def test_every_module_has_a_place_in_the_pipeline() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert not modules - set(STAGES), "add these modules to STAGES in this test"


def test_modules_import_only_earlier_stages() -> None:
    rank = {name: i for i, name in enumerate(STAGES)}
    backwards = [
        f"builder/{path.name} imports builder.{dep}"
        for path in sorted(PACKAGE.glob("*.py"))
        for dep in sorted(imports_of(path))
        if path.stem in rank and rank.get(dep, -1) > rank[path.stem]
    ]
    assert not backwards


def test_every_module_says_what_it_does() -> None:
    missing = [
        p.name
        for p in PACKAGE.glob("*.py")
        if p.stem not in ("__init__", "__main__")
        and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert not missing
