"""A real process death: pay_batch runs in a subprocess that is SIGKILLed after Stripe made the
transfer but before the result was recorded. The rerun pays exactly once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_manage
from tests.payments.stripe_server import FakeStripe

ROOT = Path(__file__).resolve().parents[2]

SEED = """
import datetime
from django.utils import timezone
from payments.earnings import earning_post
from payments.models import PayeeAccount
from payments.services.payouts import batch_approve, period_close_run, period_start
from program.models import Program, Tester
from program.roles import Role
from program.services.testers import user_grant_role
from django.contrib.auth import get_user_model
User = get_user_model()
today = timezone.localdate()
month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
program = Program.objects.create(name="P", slug="p", starts_on=month - datetime.timedelta(days=40),
                                 ends_on=today + datetime.timedelta(days=300))
closer = User.objects.create(username="f1@x.test", email="f1@x.test")
approver = User.objects.create(username="f2@x.test", email="f2@x.test")
for user in (closer, approver):
    user_grant_role(user=user, role=Role.FINANCE)
artist = User.objects.create(username="a@x.test", email="a@x.test")
tester = Tester.objects.create(program=program, user=artist, display_name="A", country="US", status="active")
PayeeAccount.objects.create(tester=tester, rail="stripe", stripe_account_id="ACCOUNT", payouts_enabled=True)
earning_post(tester=tester, rule="license.fee", source=tester, amount_minor=4200, currency="USD",
             effective_on=month.replace(day=10))
period = period_close_run(period_id=period_start(program=program, month=month, closed_by=closer).pk)
batch_approve(batch=period.batch, approver=approver)
print("BATCH", period.batch.pk)
"""

CHECK = """
from payments.models import Payout
p = Payout.objects.get()
print("STATUS", p.status, p.provider_ref)
"""


def manage(env, *args):
    return run_manage(*args, env=env)


@pytest.mark.slow
def test_pay_batch_killed_after_the_transfer_then_rerun_pays_once(tmp_path):
    fake = FakeStripe().start()
    try:
        account = fake.next_id("acct")
        fake.accounts[account] = {"id": account, "payouts_enabled": True}
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
        env.update(
            DJANGO_DEBUG="1",
            ATELIER_VAR_DIR=str(tmp_path),
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            STRIPE_SECRET_KEY="sk_test_fake",
            STRIPE_API_BASE=fake.url,
            STRIPE_MAX_NETWORK_RETRIES="0",
            STRIPE_TIMEOUT_S="60",
            ATELIER_LOG_LEVEL="WARNING",
        )
        assert manage(env, "migrate", "-v0").returncode == 0
        seeded = manage(env, "shell", "-c", SEED.replace("ACCOUNT", account))
        assert seeded.returncode == 0, seeded.stderr
        batch_id = seeded.stdout.split("BATCH")[1].split()[0]

        fake.fail_after_create, fake.sleep_s = "timeout", 60  # transfer made, answer never comes
        process = subprocess.Popen(
            [sys.executable, "manage.py", "pay_batch", batch_id],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not fake.transfers and time.monotonic() < deadline:
            time.sleep(0.1)
        assert fake.transfers, "the transfer was never created"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert "STATUS sending" in manage(env, "shell", "-c", CHECK).stdout

        rerun = manage(env, "pay_batch", batch_id)
        assert rerun.returncode == 0, rerun.stderr
        assert f"STATUS paid {fake.transfers[0]['id']}" in manage(env, "shell", "-c", CHECK).stdout
        assert len(fake.transfers) == 1
    finally:
        fake.stop()
