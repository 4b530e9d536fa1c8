"""Headless Chromium for the browser tests: Debian's `chromium`, skipped where it is not installed."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest
import requests

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


@pytest.fixture
def rendered_dom(tmp_path):
    """``rendered_dom(url, budget_ms)``: the DOM once the page ran its scripts for ``budget_ms`` (virtual)."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")

    def render(url: str, budget_ms: int = 15_000) -> str:
        profile = tmp_path / f"chromium-{abs(hash(url))}"
        command = [
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={budget_ms}",
            "--dump-dom",
            url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    return render


class BrowserPage:
    """One headless Chromium tab driven over the DevTools protocol, for pages that need a click."""

    def __init__(self, binary: str, profile, port: int) -> None:
        import websockets.sync.client

        self.process = subprocess.Popen(
            [
                binary,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                page = next(target for target in targets if target["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                assert time.monotonic() < deadline, "chromium did not open its DevTools port"
                time.sleep(0.2)
        self.socket = websockets.sync.client.connect(page["webSocketDebuggerUrl"], max_size=None)
        self.next_id = 0

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            answer = json.loads(self.socket.recv(timeout=60))
            if answer.get("id") == self.next_id:
                assert "error" not in answer, answer["error"]
                return answer["result"]

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60.0):
        deadline = time.monotonic() + timeout
        while not (value := self.evaluate(expression)):
            assert time.monotonic() < deadline, f"never true in the page: {expression}"
            time.sleep(0.25)
        return value

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(20)


@pytest.fixture
def browser_page(tmp_path):
    """A live headless Chromium tab (DevTools protocol); skipped where Chromium is not installed."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from interaction_pipeline.demo.processes import free_port

    page = BrowserPage(binary, tmp_path / "chromium-devtools", free_port())
    yield page
    page.close()
