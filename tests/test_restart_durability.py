"""Restart durability: restart gunicorn (gracefully and by SIGKILL), the worker and the broker while
clients keep writing through the API. Every accepted write exists exactly once afterwards; a write
whose answer was lost in the restart exists at most once; no request gets a 5xx.

Brokers: the embedded SQLite broker (the default; "restarting" it means restarting the worker that
holds it open) and a private redis-server on a free port with an append-only file (the shared Redis
is never touched).

Writes checked (DURABLE_WRITES): invitations, feedback, generation jobs and Stripe webhooks (each
event delivered, then redelivered with a later signature as Stripe does). Payouts are checked
apart: a batch of payouts is being paid through a loopback Stripe when the worker is killed; every
payout ends paid with exactly one transfer. To add a write: append a DurableWrite with
    available(stack) -> bool          is the route there?
    send(stack, key) -> status        one write identified by the unique string `key`
    count                             Python run in the stack's environment that prints
                                      {key: rows} as JSON for every key this test wrote
    settle(stack, keys) -> [key]      optional: keys that never reached a final state (jobs)
"""

import hashlib
import hmac
import http.client
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from bench.stack import Stack, free_port
from tests.payments.stripe_server import FakeStripe

pytestmark = [pytest.mark.slow, pytest.mark.integration]

KEY_PREFIX = "restart-"
WEBHOOK_SECRET = "whsec_restart"
PAYOUTS = 24


@dataclass
class DurableWrite:
    name: str
    available: Callable
    send: Callable
    count: str
    settle: Callable | None = None


def _staff_headers(stack: Stack) -> dict:
    staff = stack.seed["staff"]
    return {"Cookie": staff["cookie"], "X-CSRFToken": staff["csrf"]}


def _artist(stack: Stack, key: str) -> str:
    artists = stack.seed["artists"]
    return artists[hash(key) % len(artists)]["token"]


def _count_snippet(model_import: str, model: str, field_name: str) -> str:
    return (
        "import django, json; django.setup()\n"
        "from django.db.models import Count\n"
        f"from {model_import} import {model}\n"
        f"rows = {model}.objects.filter({field_name}__startswith='{KEY_PREFIX}')"
        f".values('{field_name}').annotate(n=Count('id'))\n"
        f"print(json.dumps({{r['{field_name}'].split('@')[0]: r['n'] for r in rows}}))\n"
    )


def _jobs_unsettled(stack: Stack, keys: list[str], timeout: float = 180) -> list[str]:
    snippet = (
        "import django, json; django.setup()\n"
        "from generation.models import GenerationJob\n"
        f"rows = GenerationJob.objects.filter(prompt__startswith='{KEY_PREFIX}')"
        ".exclude(status__in=['completed', 'failed', 'cancelled']).values_list('prompt', flat=True)\n"
        "print(json.dumps(sorted(rows)))\n"
    )
    deadline = time.monotonic() + timeout
    while True:
        pending = json.loads(stack.run([sys.executable, "-c", snippet]).stdout)
        if not pending or time.monotonic() > deadline:
            return [p for p in pending if p in keys]
        time.sleep(2)


def _deliver_webhook(stack: Stack, key: str) -> int:
    """Deliver one signed Stripe event; if accepted, deliver it again with a later signature
    (Stripe's retry). Both must be 2xx and the event must be stored once."""
    event = {
        "id": key,
        "object": "event",
        "type": "account.updated",
        "created": int(time.time()),
        "data": {"object": {"id": f"acct_{key}", "object": "account"}},
        "livemode": False,
    }
    payload = json.dumps(event).encode()
    status = 0
    for timestamp in (int(time.time()), int(time.time()) + 1):
        digest = hmac.new(
            WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
        ).hexdigest()
        status, _ = stack.request(
            "POST",
            "/payments/stripe/webhook",
            body=event,
            headers={"Stripe-Signature": f"t={timestamp},v1={digest}"},
            timeout=20,
        )
        if not 200 <= status < 300:
            return status
    return status


DURABLE_WRITES = [
    DurableWrite(
        name="invitations",
        available=lambda stack: "/api/invitations/" in stack.api_paths(),
        send=lambda stack, key: stack.request(
            "POST",
            "/api/invitations/",
            body={"email": f"{key}@restart.test", "name": key, "country": "FR"},
            headers=_staff_headers(stack),
            timeout=20,
        )[0],
        count=_count_snippet("program.models", "Invitation", "email"),
    ),
    DurableWrite(
        name="feedback",
        available=lambda stack: "/api/feedback/" in stack.api_paths(),
        send=lambda stack, key: stack.request(
            "POST",
            "/api/feedback/",
            token=_artist(stack, key),
            body={"kind": "idea", "title": key, "body": "Written during a restart."},
            timeout=20,
        )[0],
        count=_count_snippet("program.feedback.models", "Feedback", "title"),
    ),
    DurableWrite(
        name="jobs",
        available=lambda stack: stack.generation_ready(),
        send=lambda stack, key: stack.request(
            "POST",
            "/v1/videos",
            token=_artist(stack, key),
            body={"prompt": key, "seconds": "1", "size": "64x64"},
            timeout=20,
        )[0],
        count=_count_snippet("generation.models", "GenerationJob", "prompt"),
        settle=_jobs_unsettled,
    ),
    DurableWrite(
        name="webhooks",
        available=lambda stack: True,
        send=_deliver_webhook,
        count=_count_snippet("payments.models", "WebhookEvent", "event_id"),
    ),
]

PAYOUT_SEED = """
import datetime, json, django
django.setup()
from django.contrib.auth import get_user_model
from django.utils import timezone
from bench.seed import staff_session
from payments.earnings import earning_post
from payments.models import PayeeAccount
from payments.services.payouts import batch_approve, period_close_run, period_start
from program.models import Program, Tester
from program.roles import Role
from program.services.testers import user_grant_role

User = get_user_model()
today = timezone.localdate()
month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
Program.objects.update(starts_on=month - datetime.timedelta(days=40))
program = Program.objects.get()
finance = []
for name in ("closer", "approver"):
    user = User.objects.create(username=f"{name}@restart.test", email=f"{name}@restart.test")
    user_grant_role(user=user, role=Role.FINANCE)
    finance.append(user)
for index, account in enumerate(ACCOUNTS):
    email = f"payee{index}@restart.test"
    user = User.objects.create(username=email, email=email)
    tester = Tester.objects.create(
        program=program, user=user, display_name=email, country="US", status="active"
    )
    PayeeAccount.objects.create(
        tester=tester, rail="stripe", stripe_account_id=account, payouts_enabled=True
    )
    earning_post(tester=tester, rule="license.fee", source=tester, amount_minor=1000 + index,
                 currency="USD", effective_on=month.replace(day=10))
period = period_start(program=program, month=month, closed_by=finance[0])
period = period_close_run(period_id=period.pk)
batch = batch_approve(batch=period.batch, approver=finance[1])
print(json.dumps({"batch": batch.pk, "payouts": batch.payouts.count(),
                  "finance": staff_session(finance[0])}))
"""

PAYOUT_STATE = """
import django, json
django.setup()
from payments.models import LedgerTransaction, PayoutBatch
batch = PayoutBatch.objects.get(pk=BATCH)
payouts = list(batch.payouts.values("id", "status", "provider_ref"))
settlements = LedgerTransaction.objects.filter(idempotency_key__startswith="payout_settle:").count()
print(json.dumps({"status": batch.status, "payouts": payouts, "settlements": settlements}))
"""


class PayoutRun:
    """A batch of Stripe payouts, paid through the API while the web and the worker restart."""

    def __init__(self, stack: Stack, fake: FakeStripe):
        self.stack, self.fake = stack, fake
        accounts = []
        for _ in range(PAYOUTS):
            account = fake.next_id("acct")
            fake.accounts[account] = {"id": account, "payouts_enabled": True}
            accounts.append(account)
        snippet = PAYOUT_SEED.replace("ACCOUNTS", repr(accounts))
        seeded = json.loads(stack.run([sys.executable, "-c", snippet]).stdout.splitlines()[-1])
        assert seeded["payouts"] == PAYOUTS, seeded
        self.batch, self.finance = seeded["batch"], seeded["finance"]

    def start(self) -> None:
        status, body = self.stack.request(
            "POST",
            f"/api/payments/batches/{self.batch}/pay/",
            headers={"Cookie": self.finance["cookie"], "X-CSRFToken": self.finance["csrf"]},
            timeout=20,
        )
        assert status == 202, (status, body)

    def _state(self) -> dict:
        snippet = PAYOUT_STATE.replace("BATCH", str(self.batch))
        return json.loads(self.stack.run([sys.executable, "-c", snippet]).stdout.splitlines()[-1])

    def check(self, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        state = self._state()
        while state["status"] != "paid" and time.monotonic() < deadline:
            time.sleep(2)
            state = self._state()
        assert state["status"] == "paid", f"the payout batch never finished: {state}"
        made: dict[str, int] = {}
        for transfer in self.fake.transfers:
            made[transfer["transfer_group"]] = made.get(transfer["transfer_group"], 0) + 1
        for payout in state["payouts"]:
            assert payout["status"] == "paid", payout
            transfers = made.get(f"payout_{payout['id']}", 0)
            assert transfers == 1, f"payout {payout['id']} has {transfers} transfers"
        assert state["settlements"] == PAYOUTS, state
        return (
            f"payouts: {PAYOUTS} paid, {len(self.fake.transfers)} transfers, 0 lost, 0 duplicated"
        )


@dataclass
class Outcomes:
    accepted: set = field(default_factory=set)
    ambiguous: set = field(default_factory=set)  # no answer: the connection died in a restart
    refused: dict = field(default_factory=dict)  # key -> 4xx
    server_errors: dict = field(default_factory=dict)  # key -> 5xx
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(
    stack: Stack, write: DurableWrite, worker_index: int, stop: threading.Event, out: Outcomes
):
    number = 0
    while not stop.is_set():
        key = f"{KEY_PREFIX}{write.name}-{worker_index}-{number}"
        number += 1
        try:
            status = write.send(stack, key)
        except (OSError, http.client.HTTPException):
            with out.lock:
                out.ambiguous.add(key)
            time.sleep(0.2)
            continue
        with out.lock:
            if 200 <= status < 300:
                out.accepted.add(key)
            elif status >= 500:
                out.server_errors[key] = status
            else:
                out.refused[key] = status
        time.sleep(0.02)


class PrivateRedis:
    """A redis-server of our own, persisting every write, restartable on the same port."""

    def __init__(self, workdir):
        self.port, self.workdir, self.process = free_port(), workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False
                ).stdout.strip()
                == b"PONG"
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)


BROKERS = [
    pytest.param("embedded", id="embedded-sqlite-broker"),
    pytest.param(
        "redis",
        id="private-redis-broker",
        marks=pytest.mark.skipif(
            not shutil.which("redis-server"), reason="redis-server not installed"
        ),
    ),
]


@pytest.mark.parametrize("broker", BROKERS)
def test_restarts_lose_and_duplicate_no_accepted_write(broker, tmp_path, capsys):
    redis = None
    if broker == "redis":
        redis = PrivateRedis(tmp_path)
        redis.start()
    fake = FakeStripe(webhook_secret=WEBHOOK_SECRET).start()
    fake.transfer_delay_s = 0.5  # the batch takes 12 s or more: the worker is killed during it
    stack = Stack.prepare(
        name=f"restart_{broker}",
        artists=4,
        broker_url=redis.url if redis else "",
        extra_env={
            "STRIPE_SECRET_KEY": "sk_test_restart",
            "STRIPE_API_BASE": fake.url,
            "STRIPE_WEBHOOK_SECRETS": WEBHOOK_SECRET,
            "STRIPE_MAX_NETWORK_RETRIES": "0",
            "STRIPE_TIMEOUT_S": "10",
            "PAYMENTS_BATCH_STALE_SECONDS": "12",
            "PAYMENTS_RESUME_INTERVAL": "2",
        },
    )
    try:
        payouts = PayoutRun(stack, fake)
        stack.start_worker()
        stack.start_web()
        writes = [w for w in DURABLE_WRITES if w.available(stack)]
        assert writes, "no durable write is routed"
        outcomes = {w.name: Outcomes() for w in writes}
        stop = threading.Event()
        threads = [
            threading.Thread(target=writer, args=(stack, w, i, stop, outcomes[w.name]), daemon=True)
            for w in writes
            for i in range(3)
        ]
        for thread in threads:
            thread.start()
        time.sleep(1)
        payouts.start()
        time.sleep(1)
        stack.restart_web(graceful=True)
        time.sleep(1.5)
        stack.restart_web(graceful=False)
        time.sleep(1.5)
        if redis:
            redis.restart()
        transfers_at_kill = len(fake.transfers)
        stack.restart_worker(graceful=False)
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        report = [f"{payouts.check()} ({transfers_at_kill} made before the worker was killed)"]
        for write in writes:
            out = outcomes[write.name]
            rows = json.loads(stack.run([sys.executable, "-c", write.count]).stdout)
            lost = sorted(k for k in out.accepted if rows.get(k, 0) == 0)
            duplicated = sorted(k for k, n in rows.items() if n > 1)
            unsettled = write.settle(stack, sorted(out.accepted)) if write.settle else []
            report.append(
                f"{write.name}: {len(out.accepted)} accepted, {len(out.ambiguous)} unanswered, "
                f"{len(lost)} lost, {len(duplicated)} duplicated, {len(out.server_errors)} 5xx, "
                f"{len(out.refused)} refused, {len(unsettled)} unsettled"
            )
            assert out.accepted, f"{write.name}: nothing was accepted"
            assert not lost, f"{write.name}: accepted but lost: {lost[:10]}"
            assert not duplicated, f"{write.name}: duplicated: {duplicated[:10]}"
            assert not out.server_errors, (
                f"{write.name}: 5xx: {list(out.server_errors.items())[:10]}"
            )
            assert not out.refused, f"{write.name}: refused: {list(out.refused.items())[:10]}"
            assert not unsettled, f"{write.name}: never reached a final state: {unsettled[:10]}"
        with capsys.disabled():
            print(f"\nrestart durability ({broker} broker): " + "; ".join(report))
    except BaseException:
        with capsys.disabled():
            for log in ("web.log", "worker.log"):
                print(f"\n--- {log}: errors ---\n{stack.errors(log)}")
        raise
    finally:
        stack.cleanup()
        fake.stop()
        if redis:
            redis.stop()
