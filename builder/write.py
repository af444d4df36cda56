"""{path: bytes} -> the output folder, atomically, keeping files whose bytes did not change.

The new site is written into a temporary folder next to the output folder and swapped in
only when everything (writing, then any `finish` step such as search indexing) succeeded,
so a failed build leaves the previous site exactly as it was. Files whose bytes are
unchanged are hard-linked from the previous site, which keeps their modification times:
static hosts and rsync see only real changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MANIFEST_SUFFIX = ".manifest.json"


class UnsafePath(ValueError):
    """An output path that would land outside the output folder."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: int
    """Files whose bytes changed (or are new)."""
    unchanged: int
    removed: int
    bytes: int
    digests: Mapping[str, str]
    """Digest of every file written, by output path (the manifest of this build)."""


def checked_path(rel: str) -> PurePosixPath:
    """A relative output path with no `..`, no absolute part and no empty segment."""
    path = PurePosixPath(rel)
    if (not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel
            or any(part in ("", ".", "..") for part in rel.split("/"))):
        raise UnsafePath(f"refusing to write outside the output folder: {rel!r}")
    return path


def target_in(out: Path, rel: str) -> Path:
    """`out / rel` for writing into an existing output folder: refused when it would leave
    `out`, by `..` or through a symlinked folder inside it."""
    target = out / checked_path(rel)
    if not target.parent.resolve().is_relative_to(out.resolve()):
        raise UnsafePath(f"refusing to write outside the output folder: {rel!r} (a symlink?)")
    return target


INPUT_FOLDERS = ("content", "templates", "seeds")


def output_clash(root: Path, out: Path) -> str | None:
    """Why `out` must not be the output folder of the project at `root` (a build replaces the
    whole folder), or None when it is safe: never the project itself, a folder holding it,
    or anything inside its inputs."""
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
    return None


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_site(files: Mapping[str, bytes], out: Path,
               finish: Callable[[Path], None] | None = None,
               on_file: Callable[[int, int], None] | None = None) -> WriteResult:
    """Write `files` as the new content of `out`, all or nothing.

    `finish(tmp_dir)` runs on the complete new tree before the swap (e.g. search indexing);
    if it raises, nothing changes. Raises `UnsafePath` before writing anything when a path
    would escape the output folder. `on_file(done, total)` follows the progress.
    """
    checked = {rel: checked_path(rel) for rel in files}
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    manifest_path = out.parent / f".{out.name}{MANIFEST_SUFFIX}"
    previous = _read_manifest(manifest_path) if out.is_dir() else {}
    shutil.rmtree(tmp, ignore_errors=True)
    written = unchanged = total = 0
    epoch = source_date_epoch()
    manifest: dict[str, str] = {}
    try:
        tmp.mkdir()
        # Plain string paths: pathlib's objects cost more than the writes for small files.
        tmp_dir, out_dir = str(tmp), str(out)
        made = {""}
        for done, rel in enumerate(sorted(checked), 1):
            data = files[rel]
            parent = rel.rpartition("/")[0]
            if parent not in made:
                os.makedirs(os.path.join(tmp_dir, parent), exist_ok=True)
                while parent not in made:
                    made.add(parent)
                    parent = parent.rpartition("/")[0]
            target = os.path.join(tmp_dir, rel)
            key = digest(data)
            manifest[rel] = key
            total += len(data)
            if previous.get(rel) == key and _link(os.path.join(out_dir, rel), target):
                unchanged += 1
            else:
                Path(target).write_bytes(data)
                if epoch is not None:
                    os.utime(target, (epoch, epoch))
                written += 1
            if on_file is not None:
                on_file(done, len(checked))
        if finish is not None:
            finish(tmp)
        _swap(tmp, out, old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _write_manifest(manifest_path, manifest)
    removed = len(set(previous) - set(manifest))
    return WriteResult(written=written, unchanged=unchanged, removed=removed, bytes=total,
                       digests=manifest)


def source_date_epoch() -> int | None:
    """`SOURCE_DATE_EPOCH` (reproducible builds): new files get this modification time, so
    an archive of the site is byte-identical too. None when unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def _link(source: str, target: str) -> bool:
    """Hard-link the previous site's regular file `source` (never a symlink) as `target`."""
    try:
        if not stat.S_ISREG(os.lstat(source).st_mode):
            return False
        os.link(source, target)
        return True
    except OSError:
        return False


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
    caught between the two renames of a swap is put back in place."""
    for path in sorted(out.parent.glob(f".{out.name}.*-*")):
        pid = path.name.rsplit("-", 1)[-1]
        if path.is_dir() and pid.isdigit() and not _alive(int(pid)):
            if path.name.startswith(f".{out.name}.old-") and not out.exists():
                os.replace(path, out)
            else:
                shutil.rmtree(path, ignore_errors=True)


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


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_manifest(path: Path, manifest: dict[str, str]) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}")
    tmp.write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
