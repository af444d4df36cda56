"""Work shared among forked processes gives exactly what a plain loop gives."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from markupsafe import Markup

from benchmarks import gen_corpus
from builder import parallel
from builder.build import build
from builder.render import PARALLEL_MIN_PAGES

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def forking_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other tests may leave helper threads behind (forking is refused then): allow it here,
    where the forked work touches no lock those threads could hold."""
    monkeypatch.setattr(parallel, "can_fork", lambda: True)


def _listing(out: Path) -> list[str]:
    """Every path under the site folder, sorted."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))


def _built_on_two_workers(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A corpus big enough for the parallel path at `root`, built once into `out` by two
    workers; the site's listing."""
    gen_corpus.generate(PARALLEL_MIN_PAGES, root)
    shutil.copytree(REPO / "templates", root / "templates")
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    assert build(root, out=out, search=False).ok
    return _listing(out)


def test_fork_map_returns_every_result_in_input_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_WORKERS", "3")
    offset = 1000  # a closure over local state: workers inherit it
    results = parallel.fork_map(lambda x: (x + offset, os.getpid()), list(range(10)))
    assert [r[0] for r in results] == [x + offset for x in range(10)]
    assert {r[1] for r in results} - {os.getpid()}  # some made by the workers


def test_a_failing_worker_fails_the_call_with_its_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRIEFING_WORKERS", "2")

    def explode(x: int) -> int:
        if x == 3:
            raise ValueError("bad input 3")
        return x

    with pytest.raises(ValueError, match="bad input 3"):
        parallel.fork_map(explode, [0, 1, 2, 3])


def test_one_worker_means_no_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_WORKERS", "1")
    assert {pid for pid in parallel.fork_map(lambda _: os.getpid(), [1, 2, 3])} == {os.getpid()}


def test_a_big_site_is_byte_identical_built_on_one_core_or_several(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "corpus"
    gen_corpus.generate(PARALLEL_MIN_PAGES, root)  # more pages than facts: the parallel path
    shutil.copytree(REPO / "templates", root / "templates")
    sites = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("BRIEFING_WORKERS", workers)
        result = build(root, out=tmp_path / f"site-{workers}", search=False)
        assert result.ok and result.pages > PARALLEL_MIN_PAGES
        sites[workers] = {
            p.relative_to(tmp_path / f"site-{workers}").as_posix(): p.read_bytes()
            for p in (tmp_path / f"site-{workers}").rglob("*")
            if p.is_file()
        }
    assert sites["1"] == sites["2"]


def test_a_template_that_fails_in_a_worker_is_reported_at_its_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template error while workers render a big site is the editor's located problem,
    not a crash report, and the previous site stays."""
    root, out = tmp_path / "corpus", tmp_path / "site"
    before = _built_on_two_workers(root, out, monkeypatch)
    fact_template = root / "templates" / "fact.html"
    lines = fact_template.read_text(encoding="utf-8").split("\n")
    at = lines.index("{% block main %}") + 1  # inside the block: a page shows it
    lines.insert(at, "{{ page.no_such_field }}")  # compiles; fails only when a page renders
    fact_template.write_text("\n".join(lines), encoding="utf-8")

    result = build(root, out=out, search=False)

    assert not result.ok
    [problem] = result.errors
    assert (problem.file, problem.line) == ("templates/fact.html", at + 1)
    assert "no_such_field" in problem.message
    assert _listing(out) == before
    assert not list(tmp_path.glob(".site.tmp-*"))


def test_batches_to_whichever_process_is_free_keep_the_input_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRIEFING_WORKERS", "2")

    def slow_square(x: int) -> tuple[int, int]:
        time.sleep(0.002)  # long enough that both processes get batches
        return x * x, os.getpid()

    results = parallel.fork_map(
        slow_square, list(range(200)), batch=7, meanwhile=lambda: time.sleep(0.05)
    )
    assert [r[0] for r in results] == [x * x for x in range(200)]
    assert len({r[1] for r in results}) == 2


@pytest.mark.parametrize(("workers", "batch"), [("1", 0), ("3", 0), ("2", 5)])
def test_each_result_is_taken_once_here(
    monkeypatch: pytest.MonkeyPatch, workers: str, batch: int
) -> None:
    """`taken(i, result)` sees every input's result once, in this process, whatever the
    number of processes and however the work went out."""
    monkeypatch.setenv("BRIEFING_WORKERS", workers)
    here = os.getpid()
    seen: dict[int, tuple[int, int]] = {}

    def take(i: int, result: tuple[int, int]) -> None:
        assert os.getpid() == here and i not in seen
        seen[i] = result

    def square(x: int) -> tuple[int, int]:
        time.sleep(0.001)
        return x * x, os.getpid()

    results = parallel.fork_map(square, list(range(60)), batch=batch, taken=take)
    assert seen == dict(enumerate(results))
    assert [r[0] for r in results] == [x * x for x in range(60)]


def test_batches_come_back_whole_however_much_the_others_sent_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Results far bigger than a pipe holds, sent while this process is busy elsewhere:
    nobody waits on anybody, and every result is in its place."""
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    here = os.getpid()

    def big(x: int) -> tuple[str, int]:
        return str(x) * 50_000, os.getpid()

    results = parallel.fork_map(big, list(range(300)), batch=4, meanwhile=lambda: time.sleep(0.3))
    assert [r[0] for r in results] == [str(x) * 50_000 for x in range(300)]
    assert {r[1] for r in results} - {here}  # the other process did its share


@pytest.mark.parametrize(
    ("how", "error", "match"),
    [("raises", ValueError, "bad input .* elsewhere"), ("dies", parallel.WorkerFailed, "died")],
)
def test_a_batch_failing_in_another_process_fails_the_call(
    monkeypatch: pytest.MonkeyPatch, how: str, error: type[Exception], match: str
) -> None:
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    here = os.getpid()

    def elsewhere_fails(x: int) -> int:
        time.sleep(0.001)
        if os.getpid() != here:
            if how == "dies":
                os._exit(3)
            raise ValueError(f"bad input {x} elsewhere")
        return x

    with pytest.raises(error, match=match):
        parallel.fork_map(
            elsewhere_fails, list(range(100)), batch=2, meanwhile=lambda: time.sleep(0.05)
        )


def test_a_page_path_leaving_the_site_is_refused_before_any_worker_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the many-process path too, an unsafe page path is the build's located refusal
    (not a worker's crash report), and the previous site stays."""
    from dataclasses import replace

    from builder import plan

    root, out = tmp_path / "corpus", tmp_path / "site"
    before = _built_on_two_workers(root, out, monkeypatch)
    real_plan = plan.plan_pages

    def escaping_plan(*args: object, **kwargs: bool) -> list[plan.PageJob]:
        jobs = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        return [*jobs[:-1], replace(jobs[-1], path="../escape/index.html")]

    monkeypatch.setattr(plan, "plan_pages", escaping_plan)
    result = build(root, out=out, search=False)

    assert not result.ok
    assert "outside the output folder" in result.errors[0].message
    assert _listing(out) == before
    assert not (tmp_path / "escape").exists()


def test_cards_shared_out_are_all_here_once_and_as_one_process_makes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every card ends up in this process, the same as made here alone; a card this process
    made itself is kept as it is, not handed back and adopted again."""
    from builder.build import check
    from builder.cards import Cards
    from builder.render import Renderer, share_cards
    from builder.urls import Urls

    root = tmp_path / "corpus"
    gen_corpus.generate(PARALLEL_MIN_PAGES, root)
    shutil.copytree(REPO / "templates", root / "templates")
    briefing = check(root).briefing
    assert briefing is not None

    def renderer() -> Renderer:
        assert briefing is not None
        return Renderer(briefing, Urls("/"), root / "templates")

    adopted: list[str] = []
    original = Cards.adopt

    def adopt(self: Cards, fact_id: str, fragments: tuple[str, str, str, str]) -> None:
        assert not self.made(fact_id), f"{fact_id} was made here and adopted again"
        adopted.append(fact_id)
        original(self, fact_id, fragments)

    made = Cards.card

    def slow_card(self: Cards, fact_id: str) -> Markup:
        time.sleep(0.001)  # slow enough that both processes get batches of facts
        return made(self, fact_id)

    monkeypatch.setattr(Cards, "adopt", adopt)
    monkeypatch.setattr(Cards, "card", slow_card)
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    shared = renderer()
    share_cards(shared)
    monkeypatch.setattr(Cards, "card", made)
    monkeypatch.setenv("BRIEFING_WORKERS", "1")
    alone = renderer()
    share_cards(alone)

    ids = list(briefing.fact_by_id)
    assert 0 < len(adopted) < len(ids)  # some made there, handed back; the rest made here
    for fid in ids:
        assert shared.site.cards.made(fid)
        assert shared.site.cards.fragments(fid) == alone.site.cards.fragments(fid)


def test_the_workers_keep_working_while_this_process_is_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker is handed its next batch as it hands one back, not only when this process
    is between two batches of its own: during a long `meanwhile` here, the other process
    goes on through the inputs (it used to stop after the two batches it had been given)."""
    import multiprocessing

    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    here = os.getpid()
    done_elsewhere = multiprocessing.get_context("fork").Value("i", 0)

    def work(x: int) -> tuple[int, int]:
        if os.getpid() != here:
            with done_elsewhere.get_lock():
                done_elsewhere.value += 1
        return x * x, os.getpid()

    def meanwhile() -> None:
        deadline = time.monotonic() + 20
        while done_elsewhere.value < 40 and time.monotonic() < deadline:
            time.sleep(0.005)

    results = parallel.fork_map(work, list(range(50)), batch=1, meanwhile=meanwhile)
    assert [r[0] for r in results] == [x * x for x in range(50)]
    assert done_elsewhere.value >= 40  # well past the two batches it had at first
    assert sum(r[1] != here for r in results) >= 40
