"""gunicorn refuses some requests before the app sees them (a raw UTF-8 query string); under the project's worker
class those answers too come in the error envelope, as JSON."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _raw(port, target: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serving.db'}", "SECRET_KEY": "test",
           "CODE_SECRET": "test"}
    process = subprocess.Popen([str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
                                "--worker-class", "app.serving.EnvelopeWorker", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while True:  # wait for the state (the port answers), not for a fixed time
            try:
                _raw(port, b"/api/v1/openapi.json")
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_raw_utf8_query_string_is_answered_in_the_envelope(server):
    answer = _raw(server, "/api/v1/products?q=中华".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Content-Type: application/json" in head and b"nosniff" in head
    error = json.loads(body)["error"]
    assert error["code"] == "MALFORMED_REQUEST" and "UTF-8" in error["message"]


def test_a_request_line_too_long_is_414_in_the_envelope(server):
    answer = _raw(server, b"/api/v1/products?q=" + b"a" * 9000)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 ") and json.loads(body)["error"]["code"] == "URI_TOO_LONG"


def test_an_encoded_query_string_reaches_the_app(server):
    answer = _raw(server, b"/api/v1/openapi.json?q=%E4%B8%AD%E5%8D%8E")  # needs no database
    assert answer.startswith(b"HTTP/1.1 200 ")
