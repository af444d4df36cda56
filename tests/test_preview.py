"""The preview's HTTP server as an editor's browser (and a hostile page) sees it."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.errors import Problem, Severity
from builder.preview import (
    EVENTS,
    PreviewServer,
    PreviewState,
    inject,
    serve_in_background,
    stop_server,
)

PAGE = (
    b"<!doctype html><html lang=en><head><title>t</title></head>"
    b"<body><main><h1>Hello</h1></main></body></html>"
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    (out / "facts" / "a").mkdir(parents=True)
    (out / "index.html").write_bytes(PAGE)
    (out / "facts" / "a" / "index.html").write_bytes(PAGE.replace(b"Hello", b"Fact A"))
    (out / "404.html").write_bytes(PAGE.replace(b"Hello", b"Not here"))
    (out / "style.css").write_bytes(b"body{}")
    (tmp_path / "secret.txt").write_text("top secret")
    return out


@pytest.fixture
def server(site: Path) -> Iterator[tuple[PreviewServer, PreviewState]]:
    state = PreviewState(site_dir=site)
    srv = PreviewServer(state, "127.0.0.1", 0)
    serve_in_background(srv)
    yield srv, state
    stop_server(srv, state)


def request(
    srv: PreviewServer, target: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """Send `target` exactly as written (no client-side normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_port, timeout=5)
    conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    sent = {"Host": f"127.0.0.1:{srv.server_port}", **(headers or {})}
    for name, value in sent.items():
        if value:
            conn.putheader(name, value)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read() if method != "HEAD" else b""
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def test_serves_pages_with_the_reload_script(server: tuple[PreviewServer, PreviewState]) -> None:
    srv, _ = server
    status, headers, body = request(srv, "/facts/a/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    soup = BeautifulSoup(body, "html.parser")
    assert soup.h1 is not None and soup.h1.text == "Fact A"
    script = soup.find("script", src="/__briefing__/reload.js")
    assert script is not None and script["data-generation"] == "0"
    assert soup.find(id="briefing-problems") is None


def test_directory_without_slash_redirects(server: tuple[PreviewServer, PreviewState]) -> None:
    srv, _ = server
    status, headers, _ = request(srv, "/facts/a")
    assert status == 301 and headers["location"] == "/facts/a/"


def test_missing_page_gets_the_site_404(server: tuple[PreviewServer, PreviewState]) -> None:
    srv, _ = server
    status, _, body = request(srv, "/facts/nope/")
    assert status == 404 and b"Not here" in body


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/facts/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/facts/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "//evil.example/secret.txt",
        "http://evil.example/secret.txt",
        "/%00/index.html",
    ],
)
def test_paths_never_leave_the_site(
    server: tuple[PreviewServer, PreviewState], target: str
) -> None:
    srv, _ = server
    status, _, body = request(srv, target)
    assert status in (400, 403, 404)
    assert b"top secret" not in body


def test_symlink_out_of_the_site_is_refused(
    server: tuple[PreviewServer, PreviewState], site: Path
) -> None:
    srv, _ = server
    (site / "leak.txt").symlink_to(site.parent / "secret.txt")
    (site / "inside.css").symlink_to(site / "style.css")
    status, _, body = request(srv, "/leak.txt")
    assert status == 403 and b"top secret" not in body
    assert request(srv, "/inside.css")[0] == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", ""])
def test_foreign_host_header_is_refused(
    server: tuple[PreviewServer, PreviewState], host: str
) -> None:
    srv, _ = server
    conn_headers = {"Host": host}
    status, _, body = request(srv, "/", conn_headers)
    assert status == 403
    assert b"Hello" not in body


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_loopback_host_names_are_served(
    server: tuple[PreviewServer, PreviewState], host: str
) -> None:
    srv, _ = server
    assert request(srv, "/", {"Host": f"{host}:{srv.server_port}"})[0] == 200


def test_reload_stream_refuses_a_foreign_origin(
    server: tuple[PreviewServer, PreviewState],
) -> None:
    srv, _ = server
    status, _, _ = request(srv, EVENTS, {"Origin": "http://evil.example"})
    assert status == 403
    status, _, _ = request(srv, EVENTS, {"Origin": "http://127.0.0.1:1"})
    assert status == 403


def test_reload_stream_announces_each_new_build(
    server: tuple[PreviewServer, PreviewState],
) -> None:
    srv, state = server
    sock = socket.create_connection(("127.0.0.1", srv.server_port), timeout=5)
    origin = f"http://localhost:{srv.server_port}"
    sock.sendall(
        f"GET {EVENTS} HTTP/1.1\r\nHost: localhost:{srv.server_port}\r\n"
        f"Origin: {origin}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    stream = sock.makefile("rb")
    assert b"200" in stream.readline()
    assert _next_generation(stream) == "0"
    state.publish([])
    assert _next_generation(stream) == "1"
    sock.close()


def _next_generation(stream: object) -> str:
    for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
        line = raw.decode().strip()
        if line.startswith("data: "):
            return line.removeprefix("data: ")
    raise AssertionError("stream ended")


def test_problems_show_on_every_page_escaped(
    server: tuple[PreviewServer, PreviewState],
) -> None:
    srv, state = server
    problem = Problem(
        file="content/facts/russia.yaml",
        line=12,
        column=5,
        field="citations[1].quote",
        message="quote <script>alert(1)</script> not found",
        hint="Use briefing cite.",
    )
    state.publish([problem])
    for target in ("/", "/facts/a/", "/facts/nope/"):
        _, _, body = request(srv, target)
        soup = BeautifulSoup(body, "html.parser")
        overlay = soup.find(id="briefing-problems")
        assert overlay is not None, target
        assert problem.as_text() in overlay.get_text()
        assert overlay.find("script") is None
        assert soup.find("link", href="/__briefing__/overlay.css") is not None
    state.publish([])
    _, _, body = request(srv, "/")
    assert BeautifulSoup(body, "html.parser").find(id="briefing-problems") is None


def test_non_html_files_are_served_untouched(server: tuple[PreviewServer, PreviewState]) -> None:
    srv, state = server
    state.publish([Problem(file="x", line=1, column=1, field="", message="m")])
    status, headers, body = request(srv, "/style.css")
    assert (status, body) == (200, b"body{}")
    assert headers["content-type"].startswith("text/css")


def test_site_under_a_base_path(site: Path) -> None:
    state = PreviewState(site_dir=site, base_path="/briefing/")
    srv = PreviewServer(state, "127.0.0.1", 0)
    serve_in_background(srv)
    try:
        assert request(srv, "/")[1]["location"] == "/briefing/"
        assert request(srv, "/briefing/facts/a/")[0] == 200
        assert request(srv, "/facts/a/")[0] == 404
    finally:
        stop_server(srv, state)


def test_inject_without_head_or_body_still_adds_the_script() -> None:
    out = inject(b"<p>bare</p>", [], 3)
    assert b'data-generation="3"' in out and out.endswith(b"<p>bare</p>")


def test_an_explicit_host_is_accepted_besides_loopback() -> None:
    from builder.preview import host_allowed, origin_allowed

    lan = frozenset({"192.168.1.20"})
    assert host_allowed("192.168.1.20:8000", lan)
    assert not host_allowed("192.168.1.20:8000")
    assert not host_allowed("evil.example:8000", lan)
    assert origin_allowed("http://192.168.1.20:8000", 8000, lan)
    assert not origin_allowed("http://192.168.1.20:8000", 8000)


def test_warnings_alone_fold_into_a_note(server: tuple[PreviewServer, PreviewState]) -> None:
    srv, state = server
    warning = Problem(
        file="content/facts/a.yaml",
        line=3,
        column=1,
        field="claim",
        message="the claim states `27` but none of its quotes does",
        severity=Severity.WARNING,
    )
    state.publish([warning])
    _, _, body = request(srv, "/")
    overlay = BeautifulSoup(body, "html.parser").find(id="briefing-problems")
    assert overlay is not None and overlay.find("details") is not None
    assert overlay.get("role") == "status"
    assert "1 warning" in overlay.get_text() and warning.as_text() in overlay.get_text()


def test_head_on_the_reload_stream_ends_at_once(
    server: tuple[PreviewServer, PreviewState],
) -> None:
    srv, _ = server
    sock = socket.create_connection(("127.0.0.1", srv.server_port), timeout=5)
    sock.sendall(f"HEAD {EVENTS} HTTP/1.1\r\nHost: 127.0.0.1:{srv.server_port}\r\n\r\n".encode())
    answer = b""
    while chunk := sock.recv(4096):  # a stream that goes on times out here instead
        answer += chunk
    sock.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in head
    assert body == b"", "HEAD sent a body"


def test_clients_that_reset_their_connection_print_no_traceback(
    server: tuple[PreviewServer, PreviewState], capfd: pytest.CaptureFixture[str]
) -> None:
    import struct
    import time

    srv, _ = server
    for partial in (b"GET / HTTP/1.1\r\nHost: 127.0.0.1", b"GET /facts/a/ HTTP/1.1\r\n", b"G"):
        sock = socket.create_connection(("127.0.0.1", srv.server_port), timeout=5)
        sock.sendall(partial)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # with a zero linger: a reset, not a polite close
    time.sleep(0.5)
    status, _, _ = request(srv, "/")
    assert status == 200, "the server still answers"
    assert "Traceback" not in capfd.readouterr().err
