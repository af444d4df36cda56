"""Writing is all or nothing, keeps unchanged files, and never leaves the output folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from builder import write
from builder.write import SiteWriter, UnsafePath, WriteResult


def write_site(
    files: dict[str, bytes],
    out: Path,
    finish: Callable[[Path], None] | None = None,
    *,
    digests: bool = False,
) -> WriteResult:
    """`files` made the new content of `out` by one writer, as a one-process build does;
    `finish(folder)` runs on the new site before it is committed (as search indexing)."""
    with SiteWriter(out, digests=digests) as site:
        report = site.writer().put_all(sorted(files.items()))
        if finish is not None:
            finish(site.folder)
        return site.commit([report])


def tree(root: Path) -> dict[str, bytes]:
    """Every file of the site but the marker that says a build made it."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != write.SITE_MARKER
    }


def test_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = write_site({"index.html": b"home", "facts/a/index.html": b"a"}, out)
    assert tree(out) == {"index.html": b"home", "facts/a/index.html": b"a"}
    assert result.written == 2 and result.bytes == 5
    assert (out / write.SITE_MARKER).is_file()  # the next build may replace this folder


def test_unchanged_files_keep_their_modification_time(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a.html": b"same", "b.html": b"old"}, out)
    os.utime(out / "a.html", (1_000_000, 1_000_000))
    result = write_site({"a.html": b"same", "b.html": b"new"}, out)
    assert (out / "a.html").stat().st_mtime == 1_000_000
    assert (out / "b.html").read_bytes() == b"new"
    assert (result.written, result.unchanged) == (1, 1)


def test_removed_pages_disappear(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a.html": b"a", "gone/index.html": b"g"}, out)
    result = write_site({"a.html": b"a"}, out)
    assert tree(out) == {"a.html": b"a"} and result.removed == 1


def test_failure_in_finish_leaves_previous_site_and_no_temporary_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a.html": b"good"}, out)

    def explode(tmp: Path) -> None:
        assert (tmp / "a.html").read_bytes() == b"bad"
        raise RuntimeError("indexer crashed")

    with pytest.raises(RuntimeError):
        write_site({"a.html": b"bad"}, out, explode)
    assert tree(out) == {"a.html": b"good"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.manifest.json", "site"]


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/x", "a/../../b", "a//b", "", "a\\b"])
def test_paths_outside_the_output_are_refused_before_writing(tmp_path: Path, rel: str) -> None:
    out = tmp_path / "site"
    with pytest.raises(UnsafePath):
        write_site({"ok.html": b"x", rel: b"x"}, out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_a_killed_build_are_cleaned(tmp_path: Path) -> None:
    stale = tmp_path / ".site.tmp-999999999"
    stale.mkdir()
    (stale / "half.html").write_bytes(b"half")
    write_site({"a.html": b"a"}, tmp_path / "site")
    assert not stale.exists()


def test_source_date_epoch_sets_modification_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767657600")
    write_site({"a.html": b"a", "b/index.html": b"b"}, tmp_path / "site")
    assert {p.stat().st_mtime for p in (tmp_path / "site").rglob("*.html")} == {1767657600}


def test_several_writers_fill_one_site_and_their_reports_add_up(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a/index.html": b"same", "b/index.html": b"old"}, out)

    with SiteWriter(out) as site:
        first, second = site.writer(), site.writer()
        first.put("a/index.html", b"same")
        second.put("b/index.html", b"new")
        second.put("c/d/index.html", b"deep")
        result = site.commit([first.report, second.report])

    assert tree(out) == {"a/index.html": b"same", "b/index.html": b"new", "c/d/index.html": b"deep"}
    assert (result.written, result.unchanged, result.removed) == (2, 1, 0)
    assert result.sizes == {"a/index.html": 4, "b/index.html": 3, "c/d/index.html": 4}


def test_a_writer_refuses_a_path_leaving_the_site_and_nothing_changes(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a.html": b"good"}, out)

    with pytest.raises(UnsafePath), SiteWriter(out) as site:
        writer = site.writer()
        writer.put("b.html", b"fine")
        writer.put("../escape.html", b"bad")
        site.commit([writer.report])
    assert tree(out) == {"a.html": b"good"}
    assert not (tmp_path / "escape.html").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.tmp")] == []


def test_a_file_of_the_same_size_with_other_bytes_is_written_again(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a.html": b"left", "b.html": b"same"}, out)
    os.utime(out / "a.html", (1_000_000, 1_000_000))
    os.utime(out / "b.html", (1_000_000, 1_000_000))
    result = write_site({"a.html": b"rght", "b.html": b"same"}, out)
    assert tree(out) == {"a.html": b"rght", "b.html": b"same"}
    assert (out / "a.html").stat().st_mtime != 1_000_000
    assert (out / "b.html").stat().st_mtime == 1_000_000
    assert (result.written, result.unchanged) == (1, 1)


def test_a_file_edited_in_the_site_by_hand_is_not_kept(tmp_path: Path) -> None:
    """Files are compared with what is on disk, not with what the manifest remembers."""
    out = tmp_path / "site"
    write_site({"a.html": b"built"}, out)
    (out / "a.html").write_bytes(b"EDITD")  # same size, other bytes
    write_site({"a.html": b"built"}, out)
    assert tree(out) == {"a.html": b"built"}


def test_a_symlink_in_the_previous_site_is_never_linked(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a.html": b"same"}, out)
    outside = tmp_path / "outside.html"
    outside.write_bytes(b"same")
    (out / "a.html").unlink()
    (out / "a.html").symlink_to(outside)
    result = write_site({"a.html": b"same"}, out)
    assert not (out / "a.html").is_symlink()
    assert (result.written, result.unchanged) == (1, 0)


def test_a_manifest_of_digests_from_an_older_version_is_ignored(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a.html": b"same"}, out)
    manifest = tmp_path / ".site.manifest.json"
    manifest.write_text('{"a.html": "0123456789abcdef0123456789abcdef"}', encoding="utf-8")
    result = write_site({"a.html": b"same"}, out)
    assert (result.written, result.unchanged) == (1, 0)
    assert manifest.read_text(encoding="utf-8") == '{"a.html": 4}'


def test_a_build_hashes_nothing_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Digests cost a full pass over every byte written: only the preview asks for them."""
    write_site({"a.html": b"a"}, tmp_path / "site")

    def refuse(data: bytes) -> str:
        raise AssertionError("hashed a file nobody asked a digest of")

    monkeypatch.setattr(write, "digest", refuse)
    result = write_site({"a.html": b"a", "b/index.html": b"bb"}, tmp_path / "site")
    assert result.digests == {} and result.sizes == {"a.html": 1, "b/index.html": 2}


def test_digests_when_asked(tmp_path: Path) -> None:
    result = write_site({"a.html": b"a", "b/index.html": b"bb"}, tmp_path / "site", digests=True)
    assert result.digests == {"a.html": write.digest(b"a"), "b/index.html": write.digest(b"bb")}
