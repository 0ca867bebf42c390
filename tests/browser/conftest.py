"""Browser journeys: pytest-playwright driving Debian's /usr/bin/chromium against a live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make between page actions are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DANGJIAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture
def shot(request):
    """Save a screenshot of a page as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    vendor = os.environ.get("DATABASE_URL", "sqlite").split(":", 1)[0]

    def take(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{vendor}-{name}.png"), full_page=True)

    return take
