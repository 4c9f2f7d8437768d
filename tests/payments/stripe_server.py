"""A small threaded HTTP server that speaks enough of Stripe's API for the real `stripe` SDK.

Emulates accounts, account links, transfers (idempotency keys: same key → same response,
same key with other parameters → 400), listing transfers by transfer_group, balance, and
produces signed webhook events. Faults: `fail_after_create` ("500" or "timeout") makes the
next transfer creation succeed on the server but fail for the client.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _parse_form(body: str) -> dict:
    """Stripe's form encoding (a[b][c]=v) into nested dicts."""
    result: dict = {}
    for key, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


class FakeStripe:
    def __init__(self, webhook_secret: str = "whsec_test"):  # noqa: S107
        self.webhook_secret = webhook_secret
        self.accounts: dict[str, dict] = {}
        self.transfers: list[dict] = []
        self.idempotency: dict[str, tuple[dict, int, dict]] = {}
        self.requests: list[tuple[str, str]] = []
        self.fail_after_create: str | None = None
        self.return_urls: dict[str, str] = {}
        self.webhook_url: str | None = None  # where hosted onboarding sends account.updated
        self.down = False
        self.sleep_s = 3
        self.transfer_delay_s = 0.0  # every transfer is made, then its answer waits this long
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeStripe":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def next_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    # --- behaviour ----------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict, form: dict, headers) -> tuple[int, dict]:
        self.requests.append((method, path))
        if self.down:
            return 500, {"error": {"type": "api_error", "message": "Stripe is down"}}
        if method == "POST" and path == "/v1/accounts":
            account = {
                "id": self.next_id("acct"),
                "object": "account",
                "type": form.get("type", "express"),
                "country": form.get("country"),
                "email": form.get("email"),
                "payouts_enabled": False,
                "details_submitted": False,
                "requirements": {"currently_due": ["external_account", "tos_acceptance.date"]},
                "metadata": form.get("metadata", {}),
            }
            self.accounts[account["id"]] = account
            return 200, account
        if method == "GET" and path.startswith("/v1/accounts/"):
            account = self.accounts.get(path.rsplit("/", 1)[1])
            return (200, account) if account else (404, self._missing("account"))
        if method == "POST" and path == "/v1/account_links":
            if form.get("account") not in self.accounts:
                return 400, self._invalid("No such account", "account")
            self.return_urls[form["account"]] = form.get("return_url", "")
            return 200, {
                "object": "account_link",
                "url": f"{self.url}/connect/onboard/{form['account']}",
                "expires_at": int(time.time()) + 300,
            }
        if method == "POST" and path == "/v1/transfers":
            return self._transfer_create(form)
        if method == "GET" and path == "/v1/transfers":
            data = [
                t
                for t in self.transfers
                if "transfer_group" not in query or t["transfer_group"] == query["transfer_group"]
            ]
            return 200, {"object": "list", "data": data, "has_more": False, "url": "/v1/transfers"}
        if method == "GET" and path.startswith("/v1/transfers/"):
            found = [t for t in self.transfers if t["id"] == path.rsplit("/", 1)[1]]
            return (200, found[0]) if found else (404, self._missing("transfer"))
        if method == "GET" and path == "/v1/balance":
            return 200, {"object": "balance", "available": [{"amount": 10**9, "currency": "usd"}]}
        return 404, self._missing("route")

    def _transfer_create(self, form: dict) -> tuple[int, dict]:
        destination = form.get("destination")
        if destination not in self.accounts:
            return 400, self._invalid("No such destination", "destination")
        if not self.accounts[destination]["payouts_enabled"]:
            return 400, self._invalid("The destination cannot receive transfers yet", "destination")
        transfer = {
            "id": self.next_id("tr"),
            "object": "transfer",
            "amount": int(form["amount"]),
            "currency": form["currency"],
            "destination": destination,
            "transfer_group": form.get("transfer_group"),
            "metadata": form.get("metadata", {}),
            "reversed": False,
            "created": int(time.time()),
        }
        self.transfers.append(transfer)
        return 200, transfer

    def reverse(self, transfer_id: str) -> dict:
        for transfer in self.transfers:
            if transfer["id"] == transfer_id:
                transfer["reversed"] = True
                return transfer
        raise KeyError(transfer_id)

    def enable_payouts(self, account_id: str) -> dict:
        account = self.accounts[account_id]
        account.update(
            payouts_enabled=True, details_submitted=True, requirements={"currently_due": []}
        )
        return account

    def hosted_onboarding(self, method: str, account_id: str) -> tuple[int, dict, bytes]:
        """Stripe's hosted onboarding, reduced to one button: GET shows it; POST enables payouts,
        sends the signed `account.updated` webhook (when `webhook_url` is set) and goes back."""
        if account_id not in self.accounts:
            return 404, {"Content-Type": "text/plain"}, b"No such account"
        if method == "GET":
            page = (
                "<!doctype html><html lang=en><head><title>Stripe (test) onboarding</title></head>"
                f"<body><h1>Stripe test onboarding</h1><p>Account {account_id}</p>"
                "<form method=post><button type=submit>Submit details</button></form></body></html>"
            )
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()
        account = self.enable_payouts(account_id)
        if self.webhook_url:
            self.deliver(self.webhook_url, self.event("account.updated", account))
        return 303, {"Location": self.return_urls.get(account_id, "/")}, b""

    @staticmethod
    def _missing(what: str) -> dict:
        return {"error": {"type": "invalid_request_error", "message": f"No such {what}"}}

    @staticmethod
    def _invalid(message: str, param: str) -> dict:
        return {"error": {"type": "invalid_request_error", "message": message, "param": param}}

    # --- webhooks -----------------------------------------------------------------------------
    def event(
        self, type_: str, obj: dict, *, created: int | None = None, account: str | None = None
    ) -> dict:
        event = {
            "id": self.next_id("evt"),
            "object": "event",
            "type": type_,
            "created": created or int(time.time()),
            "data": {"object": obj},
            "livemode": False,
        }
        if account:
            event["account"] = account
        return event

    def sign(
        self, payload: bytes, *, secret: str | None = None, timestamp: int | None = None
    ) -> str:
        timestamp = timestamp or int(time.time())
        signed = f"{timestamp}.".encode() + payload
        digest = hmac.new(
            (secret or self.webhook_secret).encode(), signed, hashlib.sha256
        ).hexdigest()
        return f"t={timestamp},v1={digest}"

    def deliver(self, url: str, event: dict) -> tuple[int, bytes]:
        """POST a signed event to `url` over HTTP (for a live server)."""
        import urllib.request

        payload = json.dumps(event).encode()
        request = urllib.request.Request(  # noqa: S310
            url,
            data=payload,
            headers={"Stripe-Signature": self.sign(payload), "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    # --- HTTP plumbing ------------------------------------------------------------------------
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _respond(self):
                parsed = urllib.parse.urlsplit(self.path)
                if parsed.path.startswith("/connect/onboard/"):
                    status, headers, data = fake.hosted_onboarding(
                        self.command, parsed.path.rsplit("/", 1)[1]
                    )
                    self.send_response(status)
                    for name, value in {**headers, "Content-Length": str(len(data))}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                    return
                query = dict(urllib.parse.parse_qsl(parsed.query))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                form = _parse_form(raw)
                key = self.headers.get("Idempotency-Key")
                fault = None
                with fake._lock:
                    if self.command == "POST" and key and key in fake.idempotency:
                        seen_form, status, body = fake.idempotency[key]
                        if seen_form != form:
                            status, body = (
                                400,
                                {
                                    "error": {
                                        "type": "idempotency_error",
                                        "message": "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                                    }
                                },
                            )
                    else:
                        status, body = fake.handle(
                            self.command, parsed.path, query, form, self.headers
                        )
                        if self.command == "POST" and key and status < 500:
                            fake.idempotency[key] = (form, status, body)
                        if (
                            parsed.path == "/v1/transfers"
                            and self.command == "POST"
                            and status == 200
                        ):
                            fault, fake.fail_after_create = fake.fail_after_create, None
                if fault == "timeout":
                    time.sleep(fake.sleep_s)
                elif parsed.path == "/v1/transfers" and self.command == "POST":
                    time.sleep(fake.transfer_delay_s)
                if fault == "500":
                    status, body = (
                        500,
                        {"error": {"type": "api_error", "message": "Internal error"}},
                    )
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Request-Id", "req_fake")
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_DELETE = _respond

        return Handler
