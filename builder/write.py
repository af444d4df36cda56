"""{path: bytes} -> the output folder, atomically, keeping files whose bytes did not change.

The new site is written into a temporary folder next to the output folder and swapped in
only when everything (writing, then search indexing) succeeded (`SiteWriter`), so a failed
build leaves the previous site exactly as it was. Files whose bytes are unchanged are
hard-linked from the previous site, which keeps their modification times: static hosts and
rsync see only real changes. A file is unchanged when the previous site's
file of the same path has the same size (the build's manifest records every size) and the
same bytes, compared directly: a build into an empty folder reads and hashes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from builder.urls import UnsafePath as UnsafePath  # raised here too: part of this API
from builder.urls import checked_path

MANIFEST_SUFFIX = ".manifest.json"
SITE_MARKER = ".briefing-site"
"""A file every build writes into the site it makes: only a folder holding it (or an empty
one) is ever replaced by a build, so `--out` naming a folder of documents deletes nothing."""
_MARKER_TEXT = b"This folder is a site made by `briefing build`; each build replaces all of it.\n"
_UTIME_FD = os.utime in os.supports_fd


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: int
    """Files whose bytes changed (or are new)."""
    unchanged: int
    removed: int
    bytes: int
    sizes: Mapping[str, int]
    """Size of every file written, by output path (the manifest of this build)."""
    digests: Mapping[str, str]
    """Digest of every file written, by output path, when the writers were asked for them
    (`SiteWriter(..., digests=True)`); empty otherwise."""


def target_in(out: Path, rel: str) -> Path:
    """`out / rel` for writing into an existing output folder: refused when it would leave
    `out`, by `..` or through a symlinked folder inside it."""
    target = out / checked_path(rel)
    if not target.parent.resolve().is_relative_to(out.resolve()):
        raise UnsafePath(f"refusing to write outside the output folder: {rel!r} (a symlink?)")
    return target


def through_symlink(out: Path) -> Path:
    """The folder a build replaces for the output folder `out`: the folder a symlinked
    `out` points at, so the link stays a link (the build writes through it) and nothing
    is left beside it."""
    return out.resolve() if out.is_symlink() else out


@contextmanager
def tidy_new_folders(folder: Path) -> Iterator[None]:
    """Folders on the way to `folder` that do not exist yet and are still empty when the
    block ends (a failed build into a new deep path) are removed again."""
    made = [path for path in (folder, *folder.parents) if not path.exists()]
    try:
        yield
    finally:
        for path in made:  # deepest first; one that holds anything stays, and its parents
            try:
                path.rmdir()
            except OSError:
                break


INPUT_FOLDERS = ("content", "templates", "seeds")


def output_clash(root: Path, out: Path) -> str | None:
    """Why `out` must not be the output folder of the project at `root` (a build replaces the
    whole folder), or None when it is safe: never the project itself, a folder holding it,
    anything inside its inputs, or a folder of files that is not a site a build made."""
    given = out.absolute()
    root, out = root.resolve(), out.resolve()
    if out.exists() and not out.is_dir():
        return f"{out} is a file, not a folder"
    if root.is_relative_to(out):
        return f"the output folder {out} holds the project itself"
    for name in INPUT_FOLDERS:
        if out.is_relative_to(root / name):
            return f"the output folder {out} is inside the project's {name}/ folder"
    package = Path(__file__).resolve().parent
    if out.is_relative_to(package) or package.is_relative_to(out):
        return f"the output folder {out} overlaps the briefing package"
    return _not_a_site(out, given)


def _not_a_site(out: Path, given: Path) -> str | None:
    """Why the existing folder `out` is not one a build may replace, or None when it is
    absent, empty, or a site a build made (its marker, or an older build's manifest
    beside the folder as `given`)."""
    if (
        not out.is_dir()
        or (out / SITE_MARKER).is_file()
        or (given.parent / f".{given.name}{MANIFEST_SUFFIX}").is_file()
    ):
        return None
    try:
        with os.scandir(out) as entries:
            if next(entries, None) is None:
                return None
    except OSError as exc:
        return f"the output folder {out} cannot be read ({exc.strerror})"
    return (
        f"the output folder {out} holds files but is not a site briefing built "
        f"(it has no {SITE_MARKER} file)"
    )


def digest(data: bytes) -> str:
    """A file's fingerprint, to tell changed bytes from unchanged: SHA-256, which processors'
    SHA instructions make faster than BLAKE2 (`benchmarks/parts.py`), cut to 128 bits.
    (`hashlib` is imported here: a build asks for no digest.)"""
    import hashlib

    return hashlib.sha256(data).hexdigest()[:32]


@dataclass(slots=True)
class TreeReport:
    """What one `TreeWriter` wrote: small and picklable, so a forked writer can hand it back."""

    sizes: dict[str, int]
    digests: dict[str, str]
    """Empty unless the writer was asked for digests."""
    written: int = 0
    unchanged: int = 0
    bytes: int = 0


class TreeWriter:
    """Puts files into the new site folder being made, one at a time, as they are rendered.

    Several writers (one per process) may fill the same folder at once: folders are made
    race-free, and each file is written by exactly one of them. A file whose bytes the
    previous site already has is hard-linked from it instead (its modification time kept).
    `previous` is the previous site's manifest (size by path); with `digests` the report
    also carries each file's digest (the preview compares its rebuilds' files by them).
    """

    def __init__(
        self,
        tmp_dir: str,
        out_dir: str,
        previous: Mapping[str, int],
        epoch: int | None,
        digests: bool = False,
    ) -> None:
        self.tmp_dir = tmp_dir
        self.out_dir = out_dir
        self.previous = previous
        self.epoch = epoch
        self.digests = digests
        self.made = {""}
        self.report = TreeReport({}, {})

    def put(self, rel: str, data: bytes) -> None:
        """Write `data` as `rel`; raises `UnsafePath` for a path that would leave the site."""
        checked_path(rel)
        parent = rel.rpartition("/")[0]
        if parent not in self.made:
            self._folder(parent)
        # Plain string paths and bare system calls: for small files, pathlib's objects and
        # buffered files cost more than the writes themselves.
        target = f"{self.tmp_dir}/{rel}"
        size = len(data)
        report = self.report
        report.sizes[rel] = size
        report.bytes += size
        if self.digests:
            report.digests[rel] = digest(data)
        if self.previous.get(rel) == size and _link_same(f"{self.out_dir}/{rel}", target, data):
            report.unchanged += 1
            return
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if self.epoch is not None:  # through the open file: no second path lookup
                os.utime(fd if _UTIME_FD else target, (self.epoch, self.epoch))
        finally:
            os.close(fd)
        report.written += 1

    def put_all(self, files: Iterable[tuple[str, bytes]]) -> TreeReport:
        for rel, data in files:
            self.put(rel, data)
        return self.report

    def _folder(self, rel: str) -> None:
        path = f"{self.tmp_dir}/{rel}"
        try:
            os.mkdir(path)  # one system call when the parent exists, as it mostly does
        except FileExistsError:
            pass  # another writer made it
        except FileNotFoundError:
            os.makedirs(path, exist_ok=True)
        while rel not in self.made:
            self.made.add(rel)
            rel = rel.rpartition("/")[0]


class SiteWriter:
    """The new content of an output folder, all or nothing: a context manager.

    Entering makes a temporary folder beside `out`; `writer()` gives each process that
    writes files its own `TreeWriter` into it; `commit(reports)` swaps the folder in place
    of `out` and records the manifest. Leaving without a commit (an error, a failed search
    index) removes the temporary folder, and `out` stays as it was. With `digests`, the
    result carries every file's digest.
    """

    def __init__(self, out: Path, *, digests: bool = False) -> None:
        self.out = out.absolute()
        self.digests = digests
        pid = os.getpid()
        self.folder = self.out.parent / f".{self.out.name}.tmp-{pid}"
        """The new site, while it is being made."""
        self._old = self.out.parent / f".{self.out.name}.old-{pid}"
        self._manifest = self.out.parent / f".{self.out.name}{MANIFEST_SUFFIX}"
        self._previous: dict[str, int] = {}
        self._epoch: int | None = None
        self._committed = False

    def __enter__(self) -> SiteWriter:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(self.out)
        self._previous = _read_manifest(self._manifest) if self.out.is_dir() else {}
        self._epoch = source_date_epoch()
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._committed:
            shutil.rmtree(self.folder, ignore_errors=True)

    def writer(self) -> TreeWriter:
        """A writer for this process (each process writing files asks for its own)."""
        return TreeWriter(
            str(self.folder), str(self.out), self._previous, self._epoch, self.digests
        )

    def commit(self, reports: Iterable[TreeReport]) -> WriteResult:
        """Swap the new site in place of `out`; what the writers' `reports` say was written."""
        reports = list(reports)
        _write_marker(self.folder, self._epoch)
        _swap(self.folder, self.out, self._old)
        self._committed = True
        manifest = dict(sorted(kv for r in reports for kv in r.sizes.items()))
        _write_manifest(self._manifest, manifest)
        return WriteResult(
            written=sum(r.written for r in reports),
            unchanged=sum(r.unchanged for r in reports),
            removed=len(self._previous.keys() - manifest.keys()),
            bytes=sum(r.bytes for r in reports),
            sizes=manifest,
            digests=dict(sorted(kv for r in reports for kv in r.digests.items())),
        )


def _write_marker(site: Path, epoch: int | None) -> None:
    marker = site / SITE_MARKER
    marker.write_bytes(_MARKER_TEXT)
    if epoch is not None:
        os.utime(marker, (epoch, epoch))


def source_date_epoch() -> int | None:
    """`SOURCE_DATE_EPOCH` (reproducible builds): new files get this modification time, so
    an archive of the site is byte-identical too. None when unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def _link_same(source: str, target: str, data: bytes) -> bool:
    """Hard-link the previous site's file `source` as `target` when it is a regular file
    (never a symlink) holding exactly `data`; False, linking nothing, otherwise."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        size = len(data)
        held = bytearray()
        while len(held) <= size:  # one byte more than `data`: a longer file differs
            chunk = os.read(fd, size + 1 - len(held))
            if not chunk:
                break
            held += chunk
        if held != data:
            return False
        os.link(source, target)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _swap(tmp: Path, out: Path, old: Path) -> None:
    """Put `tmp` in place of `out`; the window without `out` is two renames wide."""
    if out.exists():
        os.replace(out, old)
        try:
            os.replace(tmp, out)
        except BaseException:
            os.replace(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)


def clean_stale(out: Path) -> None:
    """Remove temporary folders left by builds that were killed mid-way; a previous site
    caught between the two renames of a swap is put back in place, and a preview's update
    killed while moving its files in is finished."""
    for path in sorted(out.parent.glob(f".{out.name}.*-*")):
        pid = path.name.rsplit("-", 1)[-1]
        if path.is_dir() and pid.isdigit() and not _alive(int(pid)):
            if path.name.startswith(f".{out.name}.old-") and not out.exists():
                os.replace(path, out)
            elif (path / _JOURNAL).is_file() and out.is_dir():
                _move_in(out, path)
            else:
                shutil.rmtree(path, ignore_errors=True)


# The preview's updates: a few files into the existing site, all of them or none ----------

_JOURNAL = "journal.json"


def update_files(out: Path, files: Mapping[str, bytes], removed: Iterable[str]) -> None:
    """Write `files` into the existing site `out` and remove `removed`, all or nothing.

    The new files are made in a folder beside `out` (nothing temporary ever appears inside
    it); a journal naming them is written last, then each is moved in with one rename. A
    kill before the journal leaves `out` exactly as it was; one during the moves (a few
    renames) is finished by the next build or preview (`clean_stale`). The build manifest
    is dropped: it no longer describes `out`, and the next full build must not reuse files
    by it."""
    removed = sorted(removed)
    if not files and not removed:
        return
    stage = out.parent / f".{out.name}.stage-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        for rel, data in sorted(files.items()):
            target_in(out, rel)  # refused before anything is written
            path = stage / "files" / checked_path(rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        journal = stage / f"{_JOURNAL}.tmp"
        journal.write_text(json.dumps({"write": sorted(files), "remove": removed}), "utf-8")
        os.replace(journal, stage / _JOURNAL)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _move_in(out, stage)


def _move_in(out: Path, stage: Path) -> None:
    """Carry out the journal of `stage` in `out` (again, if a kill cut it short)."""
    try:
        journal = json.loads((stage / _JOURNAL).read_text("utf-8"))
    except (OSError, ValueError):
        journal = {}
    with suppress(FileNotFoundError):
        (out.parent / f".{out.name}{MANIFEST_SUFFIX}").unlink()
    for rel in journal.get("write", ()):
        source = stage / "files" / checked_path(rel)
        if source.exists():  # else moved in before the kill
            target = target_in(out, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for rel in journal.get("remove", ()):
        target = target_in(out, rel)
        with suppress(FileNotFoundError):
            target.unlink()
        for parent in target.parents:
            if parent == out or not parent.is_relative_to(out):
                break
            try:
                parent.rmdir()
            except OSError:
                break
    shutil.rmtree(stage, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_manifest(path: Path) -> dict[str, int]:
    """The previous build's file sizes by path; entries of any other shape (a manifest of
    an older version held digests) are left out, so those files are written afresh."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if type(v) is int}


def _write_manifest(path: Path, manifest: dict[str, int]) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}")
    tmp.write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
