"""Headless Chromium for the browser tests: Debian's `chromium`, skipped where it is not installed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

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
