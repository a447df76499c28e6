"""The storefront in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser), against the full stack behind nginx (tests/e2e/stack.py), the gateway's CSP in force."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
# Collects every Content-Security-Policy violation the page reports (an init script is added by
# the driver, outside the page's CSP).
CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest) -> Stack:
    """The stack with the storefront built and served (the gateway picks web/dist up on start).
    BROWSER_TESTS_GATEWAY=http://127.0.0.1:PORT reuses a stack that already runs (for working on
    the pages: build with deploy/local/web.sh and run again)."""
    external = os.environ.get("BROWSER_TESTS_GATEWAY")
    if external:
        return Stack(gateway=external.rstrip("/"), env=dict(os.environ), state_dir=ROOT / "var")
    stack: Stack = request.getfixturevalue("stack")
    for args in (["bash", "deploy/local/web.sh", "build"], ["bash", "deploy/local/gateway.sh", "start"]):
        proc = subprocess.run(args, cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, f"{args}: {proc.stderr[-3000:]}"
    return stack


@pytest.fixture(scope="module")
def browser(site: Stack) -> Iterator[Browser]:
    """Module-scoped, and started after the stack: Playwright's sync API runs an event loop in this
    thread while it is open, so nothing else may call asyncio.run() meanwhile."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@dataclass
class Shots:
    """Screenshots of each page under var/screenshots/<journey>-<viewport>/, and the axe verdicts."""

    folder: Path
    page: Page
    count: int = 0
    axe_source: str = ""
    checked: list[str] = field(default_factory=list)

    def take(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)
        self.check(name)

    def check(self, name: str) -> None:
        """axe-core on the page as it is: no serious or critical violation; no CSP violation."""
        self.page.evaluate(self.axe_source)
        result: dict[str, Any] = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"axe on {name}: {bad}"
        csp = self.page.evaluate("window.__csp || []")
        assert csp == [], f"CSP violations on {name}: {csp}"
        self.checked.append(name)


def new_page(browser: Browser, site: Stack, journey: str, viewport: str) -> tuple[BrowserContext, Page, Shots]:
    context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=site.gateway, locale="en-US",
                                  timezone_id="America/Los_Angeles")
    context.add_init_script(CSP_PROBE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Content Security" in m.text else None)
    folder = SCREENSHOTS / f"{journey}-{viewport}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    shots = Shots(folder=folder, page=page, axe_source=AXE.read_text())
    page.errors = errors  # type: ignore[attr-defined]
    return context, page, shots


def visit(page: Page, hash_path: str) -> None:
    """Open a page of the app and wait until it is drawn (the router swaps in a .view)."""
    page.goto(f"/{hash_path}")
    drawn(page)


def drawn(page: Page) -> None:
    """Wait until the app has drawn the page of the current address."""
    page.wait_for_function("() => document.querySelector('main')?.dataset.ready === location.hash")


def slug_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
