"""The preview under load: 1,000 requests (to 127.0.0.1 only) during 100 rapid saves never get
an error or a half-written page, and the server ends up answering with the last save."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import string
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from builder.build import build
from tests.helpers import copy_fixture
from tests.serve_process import running_preview

REQUESTS = 1_000
SAVES = 100
SAVE_PAUSE_SECONDS = 0.03
WORKERS = 8
FACTS = "content/facts/paris.yaml"
CLAIM = "claim: Dozens of countries joined the coalition."
PAGES = ("/facts/dozens-of-countries/", "/paris-declaration/", "/disputes/", "/timeline/")
INJECTED = re.compile(
    rb'<script src="/__briefing__/[^>]*></script>|<link rel="stylesheet" href="/__briefing__/'
    rb'[^>]*>|<aside id="briefing-problems".*?</aside>',
    re.S,
)
TAKE = re.compile(rb"take [a-z]+\.")


def take(n: int) -> str:
    """0 -> `a`, 25 -> `z`, 26 -> `ba`: versions named without digits (a number in a claim
    that no quote states is a warning, and a warning would show an overlay)."""
    letters = string.ascii_lowercase
    name = ""
    while True:
        n, rest = divmod(n, 26)
        name = letters[rest] + name
        if not n:
            return name


def claim(n: int) -> str:
    return f"claim: Dozens of countries joined the coalition, take {take(n)}."


def as_served(body: bytes) -> bytes:
    """A served page without what the preview adds, with the version name blanked."""
    return TAKE.sub(b"take X.", INJECTED.sub(b"", body))


def valid_versions(project: Path, tmp: Path) -> dict[str, set[bytes]]:
    """Every page as a clean build makes it: before the first save, and after any save."""
    versions: dict[str, set[bytes]] = {path: set() for path in PAGES}
    for label, text in (("before", CLAIM), ("after", claim(0))):
        copy = tmp / label
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", ".site*"))
        facts = copy / FACTS
        facts.write_text(facts.read_text(encoding="utf-8").replace(CLAIM, text), "utf-8")
        assert build(copy, out=copy / "site", search=True).ok
        for path in PAGES:
            versions[path].add(
                as_served((copy / "site" / path.strip("/") / "index.html").read_bytes())
            )
    return versions


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_burst_of_requests_during_rapid_saves_only_ever_sees_whole_pages(
    tmp_path: Path,
) -> None:
    project = copy_fixture(tmp_path)
    versions = valid_versions(project, tmp_path)
    facts = project / FACTS
    original = facts.read_text(encoding="utf-8")
    with running_preview(project) as preview:
        port = preview.port

        def save_rapidly() -> None:
            for n in range(SAVES):
                facts.write_text(original.replace(CLAIM, claim(n)), encoding="utf-8")
                time.sleep(SAVE_PAUSE_SECONDS)

        saver = threading.Thread(target=save_rapidly)
        saver.start()
        targets = (*PAGES, "/facts.json")
        paths = [targets[i % len(targets)] for i in range(REQUESTS)]
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            answers = list(pool.map(lambda path: (path, *get(port, path)), paths))
        saver.join()

        assert len(answers) == REQUESTS
        seen = {TAKE.search(body) and TAKE.search(body)[0] for _, _, body in answers}
        assert len(seen) > 2, "the requests did not overlap the saves: the test proves nothing"
        for path, status, body in answers:
            assert status == 200, (path, status, body[:200])
            if path == "/facts.json":
                json.loads(body)
            else:
                assert as_served(body) in versions[path], f"{path}: not a whole, valid page"

        last = f"take {take(SAVES - 1)}.".encode()
        deadline = time.monotonic() + 60
        while last not in get(port, PAGES[0])[1]:
            assert time.monotonic() < deadline, "the last save never reached the preview"
            time.sleep(0.2)
        for path in PAGES:
            status, body = get(port, path)
            assert status == 200 and as_served(body) in versions[path]
        assert preview.process.poll() is None, "the preview died"
    assert not any("Traceback" in line or "internal error" in line for line in preview.seen)


def test_clients_that_reset_or_only_ask_head_of_the_reload_stream_leave_the_preview_whole(
    tmp_path: Path,
) -> None:
    """The real `briefing serve`: connections reset half-way and `HEAD` on the reload stream
    print no traceback, hold no thread, and a save afterwards still rebuilds and is served."""
    import socket
    import struct

    from builder.preview import EVENTS
    from tests.helpers import edit

    project = copy_fixture(tmp_path)
    with running_preview(project) as preview:
        for partial in (
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1",
            b"GET /facts/ HTTP/1.1\r\n",
            b"HEAD " + EVENTS.encode() + b" HTTP/1.1\r\n",
        ) * 10:
            sock = socket.create_connection(("127.0.0.1", preview.port), timeout=5)
            sock.sendall(partial)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # a reset, not a polite close
        for _ in range(10):
            conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=5)
            conn.request("HEAD", EVENTS)
            assert conn.getresponse().status == 200
            conn.close()
        edit(project, "content/facts/paris.yaml", "Leaders signed", "Leaders have signed")
        preview.wait_for(r"rebuilt \d+ pages")
        conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=5)
        conn.request("GET", "/")
        body = conn.getresponse().read().decode()
        conn.close()
        assert "Leaders have signed" in body
    output = "\n".join(preview.seen + list(preview.lines.queue))
    assert "Traceback" not in output and "internal error" not in output, output
