"""`briefing serve` as a real subprocess on a copy of the mini fixture: loopback only,
rebuilds only what a save touches, shows problems in every page and recovers."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.helpers import copy_fixture, edit, run_cli
from tests.serve_process import Preview, running_preview


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    with running_preview(copy_fixture(tmp_path)) as running:
        yield running


def fetch(preview: Preview, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from the kernel's tables."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.add(address)
    return found


def test_serve_binds_loopback_only_by_default(preview: Preview) -> None:
    assert preview.url.startswith("http://127.0.0.1:")
    assert listening_addresses(preview.port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_serve_rebuilds_only_what_a_fact_edit_touches(preview: Preview) -> None:
    page = preview.root / "site" / "facts" / "declaration-signed" / "index.html"
    untouched = page.stat().st_mtime_ns
    edit(
        preview.root,
        "content/facts/russia.yaml",
        "an 'axis of war'.",
        "an 'axis of war' (said twice).",
    )
    line = preview.wait_for(r"rebuilt (\d+) pages, wrote (\d+) files in (\d+) ms \((.*)\)")
    assert line[4] == "fact: axis-of-war"
    assert 0 < int(line[1]) < 20
    assert page.stat().st_mtime_ns == untouched
    status, body = fetch(preview, "/facts/axis-of-war/")
    assert status == 200 and b"(said twice)" in body


def test_serve_shows_content_errors_in_every_page_and_recovers(preview: Preview) -> None:
    good = (preview.root / "content" / "facts" / "russia.yaml").read_text(encoding="utf-8")
    edit(
        preview.root,
        "content/facts/russia.yaml",
        "  topic: russian-responses\n  date",
        "  topic: russian-responses\n  date: [\n  x",
    )
    preview.wait_for(r"error\(s\): the preview keeps the last good site")
    for path in ("/", "/facts/axis-of-war/"):
        status, body = fetch(preview, path)
        assert status == 200
        overlay = BeautifulSoup(body, "html.parser").find(id="briefing-problems")
        assert overlay is not None
        assert "content/facts/russia.yaml:" in overlay.get_text()
    assert not any("Traceback" in line for line in preview.seen)
    (preview.root / "content" / "facts" / "russia.yaml").write_text(good, encoding="utf-8")
    preview.wait_for(r"rebuilt \d+ pages")
    _, body = fetch(preview, "/")
    assert BeautifulSoup(body, "html.parser").find(id="briefing-problems") is None


def test_serve_refuses_rebinding_and_foreign_origins(preview: Preview) -> None:
    assert fetch(preview, "/", {"Host": "attacker.example"})[0] == 403
    assert fetch(preview, "/__briefing__/events", {"Origin": "http://attacker.example"})[0] == 403
    assert fetch(preview, "/%2e%2e/content/site.yaml")[0] in (400, 403)


def test_a_busy_port_is_refused_before_building(preview: Preview) -> None:
    result = run_cli(preview.root, "serve", "--port", str(preview.port))
    assert result.returncode == 2
    assert "cannot listen" in result.stderr and "--port 0" in result.stderr
    assert "built" not in result.stdout


def test_sigterm_stops_the_preview_cleanly(preview: Preview) -> None:
    preview.process.terminate()
    assert preview.process.wait(timeout=20) == 0
    preview.wait_for(r"^stopped$")


def test_serve_starts_on_broken_content_and_builds_once_it_is_fixed(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "content/site.yaml", "title: Mini briefing", "title: [unclosed")
    with running_preview(root) as preview:
        assert any("content/site.yaml:" in line for line in preview.seen)
        status, body = fetch(preview, "/")
        overlay = BeautifulSoup(body, "html.parser").find(id="briefing-problems")
        assert status == 404 and overlay is not None
        assert "content/site.yaml:" in overlay.get_text()
        edit(root, "content/site.yaml", "title: [unclosed", "title: Mini briefing")
        preview.wait_for(r"^built \d+ pages")
        status, body = fetch(preview, "/")
        assert status == 200
        assert BeautifulSoup(body, "html.parser").find(id="briefing-problems") is None
