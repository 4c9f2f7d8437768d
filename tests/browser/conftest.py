"""Playwright driving Debian's Chromium against a live test server.

Screenshots of key pages go to test-artifacts/screenshots/ (look at them).
"""

import importlib
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


PASSWORD = "brush-strokes-and-light-42"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Test users only: Argon2 per sign-in would dominate the journeys' run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def watch_progress(page, timeout: float = 120) -> list[int]:
    """Every value the live progress bar showed, until the job is final (htmx swaps it in)."""
    import time

    from playwright.sync_api import Error as PlaywrightError

    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            values = page.locator("#video-status progress").evaluate_all(
                "bars => bars.map(bar => Number(bar.getAttribute('value')))"
            )
            for value in values:
                if not seen or seen[-1] != value:
                    seen.append(int(value))
            if page.locator("#video-status:not([hx-get]) video").count():
                return seen
        except PlaywrightError:  # the page reloads itself once the job is final
            pass
        page.wait_for_timeout(150)
    raise AssertionError(f"the job did not finish in {timeout} s; bar showed {seen}")


def video_is_playable(page) -> bool:
    """The <video> loads its metadata (duration, readyState) and plays."""
    page.wait_for_function(
        "() => { const v = document.querySelector('video');"
        " return v && v.readyState >= 1 && v.duration > 0; }",
        timeout=20_000,
    )
    return page.evaluate(
        "async () => { const v = document.querySelector('video'); v.muted = true;"
        " await v.play(); await new Promise(r => setTimeout(r, 300));"
        " return v.currentTime > 0 || v.ended; }"
    )


@pytest.fixture
def page_for(browser, live_server):
    """A signed-in page per person (their own browser context), closed after the test."""
    contexts = []

    def open_as(user, password: str = PASSWORD):
        user.set_password(password)
        user.save(update_fields=["password"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        sign_in(page, live_server.url, user.get_username(), password)
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def ledger_emptied_after(transactional_db):
    """The ledger's tables refuse DELETE (database triggers). After a journey, flush with the
    triggers lifted for a moment, so the live-server test's own flush finds nothing to refuse on
    SQLite (Postgres flushes with TRUNCATE, which row triggers don't see)."""
    yield
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    guard = importlib.import_module("payments.migrations.0002_ledger_append_only")
    with connection.cursor() as cursor:
        for statement in guard.SQLITE_DOWN:
            cursor.execute(statement)
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        with connection.cursor() as cursor:
            for statement in guard.SQLITE_UP:
                cursor.execute(statement)


@pytest.fixture(scope="session")
def loopback_stripe():
    """One loopback Stripe server for the session, so the worker starts once with its address."""
    from tests.payments.stripe_server import FakeStripe

    fake = FakeStripe().start()
    yield fake
    fake.stop()


def _stripe_env(fake) -> dict[str, str]:
    return {
        "STRIPE_SECRET_KEY": "sk_test_fake",
        "STRIPE_API_BASE": fake.url,
        "STRIPE_CONNECT_ORIGIN": fake.url,
        "STRIPE_WEBHOOK_SECRETS": fake.webhook_secret,
        "STRIPE_MAX_NETWORK_RETRIES": "0",
        "STRIPE_TIMEOUT_S": "5",
    }


@pytest.fixture
def gpu_worker(_worker_process, loopback_stripe, live_server, transactional_db):
    """The shared real worker, started (once) already pointed at the loopback Stripe server."""
    return _worker_process.ensure(_stripe_env(loopback_stripe))


@pytest.fixture
def stripe_worker(gpu_worker, loopback_stripe, live_server, settings):
    """The loopback Stripe server, with the live server and the real worker both pointed at it."""
    env = _stripe_env(loopback_stripe)
    settings.STRIPE_SECRET_KEY = env["STRIPE_SECRET_KEY"]
    settings.STRIPE_API_BASE = settings.STRIPE_CONNECT_ORIGIN = loopback_stripe.url
    settings.STRIPE_WEBHOOK_SECRETS = [loopback_stripe.webhook_secret]
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_S = 5
    loopback_stripe.webhook_url = f"{live_server.url}/payments/stripe/webhook"
    return loopback_stripe
