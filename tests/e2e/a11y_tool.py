"""Running the accessibility check (tools/a11y: axe-core in headless Chromium) from tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
A11Y = REPO / "tools" / "a11y"


def a11y_unavailable() -> str | None:
    """Why the accessibility check cannot run here (None when it can)."""
    if shutil.which("node") is None:
        return "node saknas (apt-get install nodejs npm)"
    if not (A11Y / "node_modules" / "playwright-core").is_dir():
        return "tools/a11y/node_modules saknas (npm ci --prefix tools/a11y)"
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser"]
    if not any(p and Path(p).exists() for p in candidates):
        return "Chromium saknas (apt-get install chromium, eller sätt CHROMIUM_PATH)"
    return None


def run_a11y(*targets: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(A11Y / "check.mjs"), *map(str, targets)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def run_reflow(*targets: Path) -> subprocess.CompletedProcess[str]:
    """The reflow check (WCAG 1.4.10): no page wider than a 320 px or 375 px screen."""
    return subprocess.run(
        ["node", str(A11Y / "reflow.mjs"), *map(str, targets)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
