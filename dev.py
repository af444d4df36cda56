"""Set up and run the project from a fresh clone with nothing but Python 3.11.

    python3 dev.py test            # lint, type-check and run the whole test suite
    python3 dev.py serve           # any other argument list goes to `briefing`

On first use (and whenever pyproject.toml changes) it creates `.venv/` beside this file and
installs the project with its test extra into it. When npm is available it also installs the
pinned test tools of `.ci/package.json` (the Nu Html Checker and axe-core) into
`.ci/node_modules/`. Standard library only: it must run before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
VENV_STAMP = VENV / ".briefing-installed"
CI_TOOLS = ROOT / ".ci"
CI_TOOLS_STAMP = CI_TOOLS / "node_modules" / ".briefing-installed"

USAGE = """usage: python3 dev.py test [pytest arguments]
       python3 dev.py COMMAND [arguments]   (runs `briefing COMMAND ...`: build, serve, check,
                                             cite, schema, new; see `python3 dev.py --help`)"""


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py runs before the venv exists)
        print("briefing needs Python 3.11 or newer; run this with python3.11.", file=sys.stderr)
        return 2
    if not argv:
        print(USAGE, file=sys.stderr)
        return 2
    ensure_venv()
    if argv[0] == "test":
        ensure_ci_tools()
        return run_tests(argv[1:])
    return run([str(BIN / "briefing"), *argv])


def ensure_venv() -> None:
    """Create `.venv` and install the project into it unless pyproject.toml is unchanged."""
    wanted = _digest(ROOT / "pyproject.toml")
    if PYTHON.exists() and _read(VENV_STAMP) == wanted:
        return
    if not PYTHON.exists():
        _say("creating .venv")
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    _say("installing briefing and its test tools into .venv (pip install -e '.[test]')")
    _check(
        [
            str(PYTHON),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "-e",
            ".[test]",
        ]
    )
    VENV_STAMP.write_text(wanted, encoding="utf-8")


def ensure_ci_tools() -> None:
    """Install the pinned npm test tools when npm is here; without npm their tests skip."""
    wanted = _digest(CI_TOOLS / "package-lock.json")
    if _read(CI_TOOLS_STAMP) == wanted:
        return
    npm = shutil.which("npm")
    if npm is None:
        _say("npm not found: the HTML-validator and accessibility gates will be skipped")
        return
    _say("installing the HTML validator and axe-core into .ci/node_modules (npm ci)")
    command = [
        npm,
        "ci",
        "--prefix",
        str(CI_TOOLS),
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
    ]
    if run(command) != 0:
        if os.environ.get("CI") == "true":
            raise SystemExit("npm ci failed")
        _say("npm ci failed: the gates that need these tools will be skipped")
        return
    CI_TOOLS_STAMP.write_text(wanted, encoding="utf-8")


def run_tests(pytest_args: list[str]) -> int:
    """ruff (lint and layout), then mypy, then pytest last so its summary line closes the output."""
    failed = [
        name
        for name, command in (
            ("ruff", [str(BIN / "ruff"), "check", "."]),
            ("ruff format", [str(BIN / "ruff"), "format", "--check", "."]),
            ("mypy", [str(BIN / "mypy")]),
        )
        if run(command) != 0
    ]
    timings = ["--durations=10"] if os.environ.get("CI") == "true" else []
    code = run([str(PYTHON), "-m", "pytest", *timings, *pytest_args])
    if code == 5:
        print("pytest collected no tests: that is a failure here", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return code or 1
    return code


def run(command: list[str]) -> int:
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def _check(command: list[str]) -> None:
    code = run(command)
    if code != 0:
        raise SystemExit(f"command failed with exit code {code}: {' '.join(command)}")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _say(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
