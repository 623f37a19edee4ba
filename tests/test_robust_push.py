"""`kg push` against stores that misbehave (issue 13): real HTTP servers on loopback, every test bounded in time.

A redirect, a store trickling its answer a byte at a time, a store failing
every request: none of them may make push report success, run for long, or
send more than a handful of requests.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import loopback_server

from kg.push import push_store


class _Store(BaseHTTPRequestHandler):
    """One stub for every failure mode; ``mode`` picks it, ``calls`` counts the requests (method, path)."""

    mode = "ok"
    calls: list[tuple[str, str]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.calls.append(("GET", self.path))
        self._answer(200, b"<html>a page that is not the store</html>")

    def do_POST(self) -> None:
        self.calls.append((self.command, self.path))
        self._body()
        if self.mode == "redirect" and self.path.startswith("/update"):
            self._answer(302, headers={"Location": "/elsewhere"})
        elif self.mode == "trickle":
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                for _ in range(300):  # a byte every 0.1 s: each read is quick, the answer never ends
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        elif self.mode == "error":
            self._answer(500, b"<html><body>internal error</body></html>", {"Content-Type": "text/html"})
        else:
            self._answer(204)

    do_PUT = do_POST


@pytest.fixture
def stub() -> Iterator[str]:
    _Store.calls = []
    with loopback_server(_Store) as url:
        yield url


def test_a_redirect_is_a_failure_naming_the_location_never_a_silent_get(sample_store: Path, stub: str) -> None:
    _Store.mode = "redirect"
    report = push_store(sample_store, f"{stub}/update", batch=1, backoff=0.01)
    assert not report.ok and report.pushed == 0
    assert not any(method == "GET" for method, _ in _Store.calls)  # the write was not turned into a GET
    assert len(_Store.calls) == 1  # and no graph after the first was tried: every write would be redirected
    first = report.failures[0]
    assert first.status == 302 and f"redirected to {stub}/elsewhere" in first.message
    assert report.stopped and all("not attempted" in f.message for f in report.failures[1:])
    res = subprocess.run([sys.executable, "-m", "kg", "push", "--store", str(sample_store), "--endpoint",
                          f"{stub}/update"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert f"HTTP 302: redirected to {stub}/elsewhere" in res.stderr
    assert "push stopped early" in res.stderr
    assert res.stderr.splitlines()[-1].startswith("kg: pushed 0/")


def test_a_trickling_store_cannot_hold_a_request_past_its_deadline(sample_store: Path, stub: str) -> None:
    _Store.mode = "trickle"
    t0 = time.monotonic()
    report = push_store(sample_store, f"{stub}/update", batch=50, retries=0, timeout=5, deadline=1.0)
    took = time.monotonic() - t0
    assert took < 4, took  # one batch, cut at its 1 s deadline although every read got a byte in 0.1 s
    assert not report.ok and report.pushed == 0
    assert all(f.status is None and "deadline of 1 s" in f.message for f in report.failures)


def test_a_store_failing_every_request_stops_the_push_early(sample_store: Path, stub: str) -> None:
    _Store.mode = "error"
    t0 = time.monotonic()
    report = push_store(sample_store, f"{stub}/data", f"{stub}/data", retries=2, backoff=0.01, max_failures=2)
    assert time.monotonic() - t0 < 10
    assert len(_Store.calls) == 2 * 3  # two graphs, each tried 1 + 2 times, then no more requests
    assert report.pushed == 0 and report.stopped and "stopped after 2 failed requests in a row" in report.stopped
    assert [f.status for f in report.failures[:2]] == [500, 500]
    assert all("not attempted" in f.message for f in report.failures[2:]) and len(report.failures) == report.graphs


def test_retries_have_one_budget_per_push(sample_store: Path, stub: str) -> None:
    _Store.mode = "error"
    t0 = time.monotonic()
    report = push_store(sample_store, f"{stub}/update", batch=1, retries=1000, backoff=0.05, retry_budget=0.5,
                        max_failures=1000)
    took = time.monotonic() - t0
    assert took < 5, took  # 1000 retries asked for, half a second of them given
    # once the budget is spent each graph is tried once: about one request per graph beyond the budget's
    assert len(_Store.calls) < report.graphs + 20
    assert not report.ok and all(f.status == 500 for f in report.failures)


def test_the_update_endpoint_that_batches_splits_only_until_the_store_is_seen_failing(sample_store: Path,
                                                                                       stub: str) -> None:
    _Store.mode = "error"
    report = push_store(sample_store, f"{stub}/update", batch=50, retries=0, max_failures=3)
    # the batch, then graphs one by one to find the bad one, until three failed in a row: then it stops
    assert len(_Store.calls) == 3 and report.stopped
    assert len(report.failures) == report.graphs and report.pushed == 0
