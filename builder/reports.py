"""Problems as CI services read them: SARIF 2.1.0 for code scanning, a GitHub job summary.

Goes in: the `Problem`s of a check or build. Comes out: text (a SARIF log, a markdown table)
that the command line prints or appends to `$GITHUB_STEP_SUMMARY`. Byte-identical for the
same problems: no clock, no machine path.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from builder.errors import Problem, sorted_problems

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT = "briefingProblem/v1"
"""The name of the fingerprint each result carries (SARIF §3.27.17): versioned, so that a
change in what it hashes never matches a result against a different one."""
GITHUB_ANNOTATIONS_SHOWN = 10
"""GitHub shows at most this many error annotations, and as many warnings, per step."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of problem: a SARIF `reportingDescriptor`."""

    id: str
    name: str
    """PascalCase, as SARIF viewers show it."""
    description: str
    pattern: re.Pattern[str]
    """Matches the messages of this kind (the first rule that matches wins)."""


def _rule(id: str, name: str, description: str, pattern: str) -> Rule:
    return Rule(id, name, description, re.compile(pattern))


RULES = (
    _rule(
        "quote-not-found",
        "QuoteNotFound",
        "A citation's quote is not a verbatim passage of its source.",
        r"^the quote is not in source",
    ),
    _rule(
        "quote-ambiguous",
        "QuoteAmbiguous",
        "A citation's quote occurs more than once in its source, so it cannot be anchored.",
        r"^the quote occurs \d+ times",
    ),
    _rule("quote-empty", "QuoteEmpty", "A citation's quote is empty.", r"^the quote is empty"),
    _rule(
        "claim-unsupported",
        "ClaimUnsupported",
        "A claim states a number or date that none of its quotes states.",
        r"^the claim states .* but none of its quotes does",
    ),
    _rule(
        "unknown-reference",
        "UnknownReference",
        "An id names no fact, actor, source or topic of the briefing.",
        r"^unknown (?!field)\w+ `|does not name a fact id|^source file `.*` not found",
    ),
    _rule("duplicate", "Duplicate", "An id or a key is given twice.", r"^duplicate "),
    _rule(
        "missing-field",
        "MissingField",
        "A required field is missing.",
        r"^missing required field|needs at least one",
    ),
    _rule(
        "unknown-field",
        "UnknownField",
        "A field the content format does not have.",
        r"^unknown field",
    ),
    _rule(
        "invalid-value",
        "InvalidValue",
        "A field's value has the wrong type or form (id, date, number, address, choice).",
        r"is not a valid|is not a whole number|is not a web address|^expected |must be .*, "
        r"not a|cannot dispute itself|^`country: |is cut off before",
    ),
    _rule(
        "invisible-character",
        "InvisibleCharacter",
        "Text holds an invisible control or bidirectional character.",
        r"invisible",
    ),
    _rule(
        "too-long",
        "TooLong",
        "A field, page or file is longer than the limit.",
        r"characters long; the limit|bytes; the limit",
    ),
    _rule(
        "unreadable-file",
        "UnreadableFile",
        "A file cannot be read as UTF-8 text inside its folder.",
        r"^file |UTF-8|UTF-16|NUL byte|points outside|^cannot read the file",
    ),
    _rule(
        "syntax",
        "Syntax",
        "The YAML or the front matter cannot be parsed.",
        r"^YAML (syntax )?error|front matter|tab character|nested too deeply",
    ),
    _rule(
        "source-changed",
        "SourceChanged",
        "An archived file no longer matches the SHA-256 it was pinned with.",
        r"does not match its pin|is not a SHA-256 digest|raw capture",
    ),
    _rule(
        "correction-missing",
        "CorrectionMissing",
        "A published fact changed without a correction note.",
        r"with no correction",
    ),
    _rule(
        "url-lost",
        "UrlLost",
        "A published id is gone without being withdrawn or renamed: its URL would die.",
        r"its URL would die",
    ),
    _rule(
        "inconsistent-fact",
        "InconsistentFact",
        "A fact's status, event or date disagrees with its disputes or its sources.",
        r"says `status: disputed`|in the main event",
    ),
    _rule(
        "hedge-dropped",
        "HedgeDropped",
        "Every quote hedges or attributes, and the claim states the thing flatly.",
        r"^\[hedge-dropped\]",
    ),
    _rule(
        "unsupported-detail",
        "UnsupportedDetail",
        "The claim names a date word or an actor that none of its quotes carries.",
        r"^\[unsupported-detail\]",
    ),
    _rule(
        "one-strand-voice",
        "OneStrandVoice",
        "A judgement resting on one strand, in the briefing's own voice.",
        r"^\[one-strand-voice\]",
    ),
    _rule(
        "stale-lint-ok",
        "StaleLintOk",
        "A `lint_ok` entry silences a check that finds nothing on its fact.",
        r"^`lint_ok` silences",
    ),
    _rule(
        "template-error",
        "TemplateError",
        "A template under templates/ is broken.",
        r"^template error",
    ),
    _rule(
        "build-folder",
        "BuildFolder",
        "The output folder cannot be built into (not ours, locked, or not writable).",
        r"a build would replace it|cannot write the site|the other one has finished",
    ),
    _rule(
        "content-problem", "ContentProblem", "Any other problem found in the content.", r""
    ),  # matches everything: what no other rule names
)
"""Every kind of problem, most specific first; the last one takes what no other does."""


def rule_of(problem: Problem) -> Rule:
    """The kind of `problem`, read from its message (the words every problem is made with)."""
    for rule in RULES:
        if rule.pattern.search(problem.message):
            return rule
    return RULES[-1]


def fingerprint(problem: Problem) -> str:
    """What stays the same while the problem does: its kind, file, field and message, not
    its line or column (an edit above it moves those)."""
    key = "\x1f".join((rule_of(problem).id, problem.file, problem.field, problem.message))
    return hashlib.sha256(key.encode()).hexdigest()


def problems_as_sarif(
    problems: Iterable[Problem], *, strict: bool = False, version: str = ""
) -> str:
    """A SARIF 2.1.0 log of one run of briefing: every rule (so a dashboard can describe a
    kind that did not occur this time), then each problem as a result. Locations are
    relative to the project root; columns count code points, as the problems do."""
    results = []
    index = {rule.id: i for i, rule in enumerate(RULES)}
    for problem in sorted_problems(problems):
        rule = rule_of(problem)
        text = problem.message + (f" Hint: {problem.hint}" if problem.hint else "")
        if problem.field:
            text = f"{problem.field}: {text}"
        location: dict[str, object] = {"artifactLocation": {"uri": problem.file}}
        if problem.line:
            region: dict[str, object] = {"startLine": problem.line}
            if problem.column:
                region["startColumn"] = problem.column
            location["region"] = region
        result: dict[str, object] = {
            "ruleId": rule.id,
            "ruleIndex": index[rule.id],
            "level": "error" if problem.is_error or strict else "warning",
            "message": {"text": text},
            "locations": [{"physicalLocation": location}],
            "partialFingerprints": {FINGERPRINT: fingerprint(problem)},
        }
        if problem.excerpt:
            result["properties"] = {"excerpt": problem.excerpt}
        results.append(result)
    driver: dict[str, object] = {
        "name": "briefing",
        "rules": [
            {
                "id": rule.id,
                "name": rule.name,
                "shortDescription": {"text": rule.description},
                "defaultConfiguration": {
                    "level": "warning" if rule.id == "claim-unsupported" else "error"
                },
            }
            for rule in RULES
        ],
    }
    if version:
        driver["version"] = version
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def job_summary(problems: Iterable[Problem], *, strict: bool = False) -> str:
    """Every problem as a markdown table for `$GITHUB_STEP_SUMMARY`, for when there are more
    than the annotations GitHub shows."""
    found = sorted_problems(problems)
    errors = sum(1 for p in found if p.is_error or strict)
    lines = [
        "## briefing: content problems",
        "",
        f"{errors} error(s), {len(found) - errors} warning(s). GitHub shows only the first "
        f"{GITHUB_ANNOTATIONS_SHOWN} of each kind as annotations; here is every one.",
        "",
        "| | where | field | problem | how to fix it |",
        "|---|---|---|---|---|",
    ]
    for p in found:
        level = "error" if p.is_error or strict else "warning"
        lines.append(
            f"| {level} | {_cell(p.location())} | {_cell(p.field)} | "
            f"{_cell(p.message)} | {_cell(p.hint)} |"
        )
    return "\n".join(lines) + "\n"


def needs_summary(problems: Iterable[Problem], *, strict: bool = False) -> bool:
    """Whether GitHub would leave some annotations out: more than it shows of one kind."""
    found = sorted_problems(problems)
    errors = sum(1 for p in found if p.is_error or strict)
    return max(errors, len(found) - errors) > GITHUB_ANNOTATIONS_SHOWN


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _cell(text: str) -> str:
    """Text shown as it is in a markdown table cell: markup and pipes escaped, line ends and
    control characters made visible."""
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
