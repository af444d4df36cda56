"""One fact record -> a `Fact`: its fields, disputes, silenced lints and corrections, and a
warning for a number the claim states but no quote does.
"""

from __future__ import annotations

import re

from builder.check_citations import check_citations
from builder.errors import Severity
from builder.fields import Reader
from builder.load import Mapping
from builder.model import Citation, Correction, Dispute, DisputeKind, Fact, Lint, LintWaiver, Status
from builder.records import State

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
FACT_FIELDS = (
    "id",
    "claim",
    "topic",
    "date",
    "actors",
    "citations",
    "status",
    "disputes",
    "event",
    "lint_ok",
    "corrections",
    "minor",
    "aliases",
)
CORRECTION_FIELDS = ("date", "what", "why")
DISPUTE_FIELDS = ("fact", "kind", "note")
LINT_OK_FIELDS = ("lint", "reason")


def check_fact(node: Mapping, i: int, r: Reader, state: State) -> tuple[str | None, Fact | None]:
    """The `i`-th record of a fact file: its id (when valid) and the `Fact` (when all is)."""
    fid = r.ident(node, "id", "")
    p = f"{fid}." if fid else f"[{i}]."
    r.fields(node, FACT_FIELDS, p)
    claim = r.text(node, "claim", p, what="one or two sentences")
    topic = r.ref(node, "topic", p, "topic", state.refs)
    date = r.date(node, "date", p)
    actors = r.ids(node, "actors", p, "actor", state.refs)
    status = r.choice(node, "status", p, Status, required=False, default=Status.REPORTED)
    citations = check_citations(node, fid, p, r, state)
    disputes = _disputes(node, fid, p, r, state)
    event = r.ref(node, "event", p, "event", state.refs, required=False) or ""
    lint_ok = _lint_ok(node, p, r)
    if claim is not None and citations:
        _check_numbers(claim, citations, node, p, r)
    if not (fid and claim is not None and topic and citations is not None and status):
        return fid, None
    return fid, Fact(
        id=fid,
        claim=claim,
        topic=topic,
        date=date,
        actors=actors,
        citations=tuple(citations),
        status=status,
        disputes=tuple(disputes),
        file=r.file,
        line=node.line,
        event=event,
        lint_ok=lint_ok,
        corrections=_corrections(node, p, r),
        minor=r.flag(node, "minor", p),
        aliases=r.ids(node, "aliases", p, "fact", []),
    )


def _disputes(node: Mapping, fid: str | None, p: str, r: Reader, state: State) -> list[Dispute]:
    """`disputes:` entries, each `{fact, kind, note}`."""
    disputes: list[Dispute] = []
    dispute_entry = node.entries.get("disputes")
    if dispute_entry is None:
        return disputes
    kinds = ", ".join(f"`{k.value}`" for k in DisputeKind)
    for j, item in enumerate(r.sequence(dispute_entry.value, f"{p}disputes", "disputes")):
        dp = f"{p}disputes[{j + 1}]."
        d = r.mapping(item, dp.rstrip("."), "a dispute (fact + kind + note)")
        if d is None:
            continue
        r.fields(d, DISPUTE_FIELDS, dp)
        other = r.ref(d, "fact", dp, "fact", state.refs)
        note = r.text(d, "note", dp, what="one line saying what differs")
        kind: DisputeKind | None = None
        if "kind" in d.entries:
            kind = r.choice(d, "kind", dp, DisputeKind)
        else:
            r.problem(
                d,
                f"{dp}kind",
                "missing required field `kind`",
                hint=f"add `kind:` with one of {kinds}: `contradicts` when the sources "
                "assert incompatible things, `differs` when they report the same "
                "thing in different words, numbers or dates, `inconsistent` when "
                "one source contradicts itself (an omission is no dispute)",
            )
        if other and other == fid:
            r.problem(
                d.entries["fact"].value,
                f"{dp}fact",
                "a fact cannot dispute itself",
                hint="name the id of the other fact",
            )
        if other and note is not None:
            # Without a valid kind the build fails anyway; counting the dispute as a
            # contradiction meanwhile keeps its fact's `status: disputed` from being reported
            # as a second problem.
            disputes.append(Dispute(other, kind or DisputeKind.CONTRADICTS, note))
    return disputes


def _lint_ok(node: Mapping, p: str, r: Reader) -> tuple[LintWaiver, ...]:
    """`lint_ok:` entries, each `{lint, reason}`: a meaning check silenced, and why."""
    entry = node.entries.get("lint_ok")
    if entry is None:
        return ()
    out: list[LintWaiver] = []
    for j, item in enumerate(r.sequence(entry.value, f"{p}lint_ok", "silenced checks"), 1):
        lp = f"{p}lint_ok[{j}]."
        w = r.mapping(item, lp.rstrip("."), "a silenced check (lint + reason)")
        if w is None:
            continue
        r.fields(w, LINT_OK_FIELDS, lp)
        lint = r.choice(w, "lint", lp, Lint)
        reason = r.text(w, "reason", lp, what="why the check is wrong about this fact")
        if lint is not None and reason is not None:
            if len(reason.split()) < 3:
                r.problem(
                    w.entries["reason"].value,
                    f"{lp}reason",
                    "the reason is too short to tell a reader why the check is wrong here",
                    hint="say in a sentence why the claim is faithful to its quotes",
                )
                continue
            out.append(LintWaiver(lint, reason))
    return tuple(out)


def _corrections(node: Mapping, p: str, r: Reader) -> tuple[Correction, ...]:
    """`corrections:`, each with a full date, what changed and why; oldest first."""
    entry = node.entries.get("corrections")
    found: list[Correction] = []
    for j, item in enumerate(
        r.sequence(entry.value, f"{p}corrections", "corrections") if entry is not None else [], 1
    ):
        cp = f"{p}corrections[{j}]."
        c = r.mapping(item, cp.rstrip("."), "a correction (date, what, why)")
        if c is None:
            continue
        r.fields(c, CORRECTION_FIELDS, cp)
        when = r.date(c, "date", cp, required=True)
        what = r.text(c, "what", cp, what="what changed, in a few words")
        why = r.text(c, "why", cp, what="why it changed")
        if when is not None and not when.day:
            r.problem(
                c.entries["date"].value,
                f"{cp}date",
                "a correction's date needs the day",
                hint="write `YYYY-MM-DD`: the day the fact was corrected",
            )
        elif when is not None and what is not None and why is not None:
            found.append(Correction(when, what, why))
    return tuple(sorted(found, key=lambda c: (c.date.year, c.date.month, c.date.day)))


def _check_numbers(claim: str, citations: list[Citation], node: Mapping, p: str, r: Reader) -> None:
    """Warn when the claim states a number that none of its quotes contains."""
    plain = re.sub(r"\]\([^)]*\)", "]", claim)
    numbers = {n.rstrip(".,") for n in _NUMBER.findall(plain)}
    if not numbers:
        return
    quoted: set[str] = set()
    for c in citations:
        quoted.update(n.rstrip(".,") for n in _NUMBER.findall(c.passage))
    missing = sorted(numbers - quoted, key=lambda n: (len(n), n))
    if missing:
        r.problem(
            node.entries["claim"].value,
            f"{p}claim",
            "the claim states "
            + ", ".join(f"`{n}`" for n in missing)
            + " but none of its quotes does",
            hint="quote the passage that states it, or correct the claim",
            severity=Severity.WARNING,
        )
