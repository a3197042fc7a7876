"""Alert delivery against a real local HTTP server and a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from aipo_widgets.gates.verdict import OverallVerdict
from aipo_widgets.model.notifications import Notifications
from aipo_widgets.pipeline.notify import last_failures, notify

T0 = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.timezone.utc)


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(  # type: ignore[attr-defined]
            {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
        status = self.server.status  # type: ignore[attr-defined]
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def hook_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received, server.status = [], 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def hook(hook_server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    hook_server.received.clear()  # type: ignore[attr-defined]
    hook_server.status = 200  # type: ignore[attr-defined]
    yield hook_server


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


class _Auth:
    def __init__(self) -> None:
        self.logins: list[tuple[bytes, bytes]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Controller, _Inbox, _Auth]]:
    inbox, auth = _Inbox(), _Auth()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(),
                            authenticator=auth, auth_require_tls=False)
    controller.start()
    yield controller, inbox, auth
    controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _url(server: ThreadingHTTPServer, path: str = "/hook") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def _verdict(verdict: str = "warn", decision: str = "keep") -> OverallVerdict:
    return OverallVerdict(verdict, "operate", decision, "Keep, retrain or pull the kill switch?",
                          f"{decision} ({verdict})", "Jana Keller")  # type: ignore[arg-type]


def _run(alert: str = "fail", run_id: str = "r1") -> dict[str, Any]:
    return {"id": run_id, "phases": [{"phase": "operate", "gates": [
        {"name": "alert A1: false_alarms_month", "verdict": alert,
         "source": "monitoring.alert_rules[0]", "detail": "640 a month > 300"},
        {"name": "alert A2: precision", "verdict": "pass", "source": "monitoring.alert_rules[1]"},
        {"name": "drift", "verdict": "fail", "source": "monitoring.drift"},
    ]}]}


def _settings(url: str, **extra: Any) -> Notifications:
    return Notifications.model_validate({"webhooks": [{"id": "ops", "url": url}], **extra})


def test_nothing_configured_sends_and_writes_nothing(tmp_path: Path) -> None:
    assert notify(tmp_path, Notifications(), product="P", verdict=_verdict(), run=_run()) == []
    assert not (tmp_path / "reports").exists()


def test_a_change_is_sent_once_and_its_return_once(tmp_path: Path, hook: Any) -> None:
    settings = _settings(_url(hook), min_interval_minutes=0)
    first = notify(tmp_path, settings, product="Pumps", verdict=_verdict(), run=_run(), now=T0)
    assert [(d.channel, d.status, d.changes) for d in first] == [("ops", "sent", 2)]
    body = hook.received[0]["body"]
    assert body["product"] == "Pumps" and body["run"] == "r1"
    assert {c["label"] for c in body["changes"]} == {"Verdict", "alert A1"}
    assert "alert A1: new -> FAIL (640 a month > 300)" in body["text"]
    assert "alert A2" not in body["text"]  # passing rules are news only when they change
    # the same state again: nothing new to say
    again = notify(tmp_path, settings, product="Pumps", verdict=_verdict(), run=_run("fail", "r2"),
                   now=T0 + dt.timedelta(hours=1))
    assert again == [] and len(hook.received) == 1
    # back to pass: one message saying so
    back = notify(tmp_path, settings, product="Pumps", verdict=_verdict(),
                  run=_run("pass", "r3"), now=T0 + dt.timedelta(hours=2))
    assert [d.status for d in back] == ["sent"]
    assert [c["before"] + ">" + c["after"] for c in hook.received[1]["body"]["changes"]] == \
        ["fail>pass"]


def test_the_rate_limit_defers_and_a_reverted_change_is_never_sent(tmp_path: Path,
                                                                    hook: Any) -> None:
    settings = _settings(_url(hook), min_interval_minutes=60)
    notify(tmp_path, settings, product="P", verdict=_verdict(), run=_run("pass"), now=T0)
    assert len(hook.received) == 1  # the first message: the verdict
    soon = notify(tmp_path, settings, product="P", verdict=_verdict(), run=_run("fail"),
                  now=T0 + dt.timedelta(minutes=10))
    assert [d.status for d in soon] == ["deferred"] and len(hook.received) == 1
    # it reverted before the interval ran out: the channel was never told, so nothing to say
    later = notify(tmp_path, settings, product="P", verdict=_verdict(), run=_run("pass"),
                   now=T0 + dt.timedelta(minutes=70))
    assert later == [] and len(hook.received) == 1
    # a change that holds goes out with the first run after the interval
    notify(tmp_path, settings, product="P", verdict=_verdict(), run=_run("fail"),
           now=T0 + dt.timedelta(minutes=80))
    assert len(hook.received) == 2


def test_slack_and_teams_get_their_own_formats(tmp_path: Path, hook: Any) -> None:
    settings = Notifications.model_validate({"webhooks": [
        {"id": "slack", "format": "slack", "url": _url(hook, "/slack")},
        {"id": "teams", "format": "teams", "url": _url(hook, "/teams")}],
        "report_url": "https://ci.example.com/aipo/{run}/summary.md"})
    notify(tmp_path, settings, product="Pumps", verdict=_verdict("fail", "retrain"), run=_run(),
           now=T0)
    by_path = {r["path"]: r["body"] for r in hook.received}
    slack = by_path["/slack"]
    assert slack["text"].startswith("[aipo] Pumps: FAIL retrain")
    assert "https://ci.example.com/aipo/r1/summary.md" in slack["blocks"][1]["text"]["text"]
    card = by_path["/teams"]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["actions"][0]["url"] == "https://ci.example.com/aipo/r1/summary.md"


def test_a_channel_that_is_down_is_recorded_and_retried(tmp_path: Path, hook: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    secret = _url(hook, "/services/T000/B000/SECRET-TOKEN-123")
    monkeypatch.setenv("AIPO_TEST_HOOK", secret)
    settings = Notifications.model_validate(
        {"webhooks": [{"id": "ops", "url_env": "AIPO_TEST_HOOK"}], "min_interval_minutes": 0})
    hook.status = 500
    down = notify(tmp_path, settings, product="P", verdict=_verdict(), run=_run(), now=T0)
    assert [(d.status, d.error) for d in down] == [("failed", "HTTP 500 Internal Server Error")]
    log = (tmp_path / "reports" / "notifications" / "log.jsonl").read_text()
    assert "SECRET-TOKEN" not in log and "failed" in log
    assert [d.channel for d in last_failures(tmp_path)] == ["ops"]
    hook.status = 200
    up = notify(tmp_path, settings, product="P", verdict=_verdict(), run=_run(), now=T0)
    assert [(d.status, d.changes) for d in up] == [("sent", 2)]  # offered again, in full
    assert last_failures(tmp_path) == []


def test_a_missing_variable_or_a_closed_port_never_raises(tmp_path: Path) -> None:
    settings = Notifications.model_validate({"webhooks": [
        {"id": "unset", "url_env": "AIPO_NOT_SET_ANYWHERE"},
        {"id": "closed", "url": f"http://127.0.0.1:{_free_port()}/x"}], "timeout_seconds": 2})
    out = notify(tmp_path, settings, product="P", verdict=_verdict(), run=_run(), now=T0)
    errors = {d.channel: d.error for d in out}
    assert errors["unset"] == ("environment variable AIPO_NOT_SET_ANYWHERE (the webhook URL) "
                               "is not set")
    assert errors["closed"].startswith("cannot reach the webhook")


def test_email_reaches_the_inbox_once_with_login_from_the_environment(
        tmp_path: Path, smtp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    controller, inbox, auth = smtp
    inbox.messages.clear()
    monkeypatch.setenv("AIPO_SMTP_USER", "aipo")
    monkeypatch.setenv("AIPO_SMTP_PASSWORD", "s3cret")
    settings = Notifications.model_validate({"email": [
        {"id": "owner", "to": ["jana@example.com"], "sender": "aipo@example.com",
         "host": "127.0.0.1", "port": controller.port, "starttls": False,
         "username_env": "AIPO_SMTP_USER", "password_env": "AIPO_SMTP_PASSWORD"}]})
    out = notify(tmp_path, settings, product="Pumps", verdict=_verdict("fail", "retrain"),
                 run=_run(), now=T0)
    assert [d.status for d in out] == ["sent"]
    assert auth.logins == [(b"aipo", b"s3cret")]
    (message,) = inbox.messages
    assert message.rcpt_tos == ["jana@example.com"]
    text = message.content.decode()
    assert "Subject: [aipo] Pumps: FAIL retrain, 2 changes" in text
    assert "alert A1: new -> FAIL (640 a month > 300)" in text
    notify(tmp_path, settings, product="Pumps", verdict=_verdict("fail", "retrain"),
           run=_run(), now=T0 + dt.timedelta(hours=3))
    assert len(inbox.messages) == 1


def test_a_wrong_smtp_password_is_a_recorded_failure(tmp_path: Path, smtp: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    controller, _, _ = smtp
    monkeypatch.setenv("AIPO_SMTP_USER", "aipo")
    monkeypatch.setenv("AIPO_SMTP_PASSWORD", "wrong")
    settings = Notifications.model_validate({"email": [
        {"id": "owner", "to": ["jana@example.com"], "sender": "aipo@example.com",
         "host": "127.0.0.1", "port": controller.port, "starttls": False,
         "username_env": "AIPO_SMTP_USER", "password_env": "AIPO_SMTP_PASSWORD"}],
        "timeout_seconds": 3})
    (d,) = notify(tmp_path, settings, product="P", verdict=_verdict(), run=_run(), now=T0)
    # aiosmtpd answers a refused login slowly or drops it: either way a recorded failure
    assert d.status == "failed" and d.error.startswith(f"SMTP 127.0.0.1:{controller.port}: SMTP")
    assert "wrong" not in d.error


def test_aipo_run_tells_the_webhook_once(tmp_path: Path, hook: Any) -> None:
    # End to end as a CI job would: aipo.yaml names the channel, two runs of a phase.
    import subprocess
    import sys

    ws = tmp_path / "blank"
    cli = [sys.executable, "-m", "aipo_widgets.cli"]
    subprocess.run([*cli, "init", str(ws), "--example", "blank"], check=True,
                   capture_output=True)
    with (ws / "aipo.yaml").open("a", encoding="utf-8") as f:
        f.write(f"\nnotifications:\n  webhooks:\n    - {{id: ops, url: '{_url(hook)}'}}\n"
                "  min_interval_minutes: 0\n")
    outputs = [subprocess.run([*cli, "run", str(ws), "--phase", "discovery", "--quiet"],
                              capture_output=True, text=True, check=False)
               for _ in range(2)]
    assert outputs[0].returncode in (0, 1), outputs[0].stderr
    assert "notified ops: 1 change" in outputs[0].stdout
    assert "notified" not in outputs[1].stdout
    (only,) = hook.received
    assert only["body"]["changes"][0]["label"] == "Verdict"
    assert only["body"]["verdict"]["phase"] == "discovery"
