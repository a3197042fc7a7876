"""Alerts delivered where people read them: webhooks and e-mail when the evidence changes.

After a run, the product's verdict and the state of each alert rule and kill-switch condition
are compared, per channel, with what that channel was last told. A change (pass -> warn or
fail, and back; a new decision) is sent once; nothing is sent while a state holds. A channel
hears at most once per ``min_interval_minutes``: a change that comes sooner waits for the next
run after the interval, and is never sent if it reverted meanwhile (the comparison is always
with what the channel last received). A channel that is down never blocks or fails the run:
the failure is written to ``reports/notifications/log.jsonl``, shown by ``aipo run`` and
``aipo status``, and the change is offered again on the next run.

Nothing is sent and nothing is written when ``aipo.yaml`` configures no channel. Secrets (a
webhook URL that carries its own token, SMTP credentials) are read from the environment
variables the file names, and never appear in a message, the log or the output.

Examples
--------
>>> before = {"verdict": {"verdict": "warn", "decision": "go", "headline": "Go, with conditions"}}
>>> after = {"verdict": {"verdict": "fail", "decision": "retrain", "headline": "Retrain needed"},
...          "alert:monitoring.alert_rules[0]": {"verdict": "fail", "label": "alert A1",
...                                             "detail": "640 > 300"}}
>>> [c.line() for c in changes(before, after, ("verdict", "alerts"))]
['Verdict: WARN go -> FAIL retrain (Retrain needed)', 'alert A1: new -> FAIL (640 > 300)']
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aipo_widgets.gates.verdict import OverallVerdict
from aipo_widgets.model.atomic import atomic_write, file_lock
from aipo_widgets.model.notifications import EmailChannel, Notifications, Webhook

__all__ = ["Change", "Delivery", "changes", "current_state", "deliveries_text", "last_failures",
           "message_text", "notify"]

#: Where the channels' delivered state and the delivery log live, under ``reports/``.
FOLDER = "notifications"
_ALERT_SOURCES = ("monitoring.alert_rules", "kill_switch")


@dataclass(frozen=True)
class Change:
    """One change a channel has not been told about yet."""

    kind: str  # "verdict" or "alerts"
    key: str
    label: str
    before: str | None  # None: the channel never heard of it
    after: str | None  # None: it is gone (a rule removed from aipo.yaml)
    detail: str = ""

    def line(self) -> str:
        """Return the change in one line of text.

        Examples
        --------
        >>> Change("alerts", "k", "alert A2", "fail", "pass").line()
        'alert A2: FAIL -> PASS'
        """
        was = "new" if self.before is None else self.before
        now = "removed" if self.after is None else self.after
        text = f"{self.label}: {_upper_verdict(was)} -> {_upper_verdict(now)}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True)
class Delivery:
    """What happened on one channel: sent, deferred (rate limit) or failed."""

    channel: str
    status: str
    changes: int
    error: str = ""
    at: str = ""

    def text(self) -> str:
        """Return the delivery in one line, as ``aipo run`` prints it."""
        n = f"{self.changes} change{'s' if self.changes != 1 else ''}"
        if self.status == "sent":
            return f"notified {self.channel}: {n}"
        if self.status == "deferred":
            return f"{self.channel}: {n} wait for the rate limit (the next run after it sends)"
        return f"{self.channel} FAILED: {self.error} ({n} offered again on the next run)"


def _upper_verdict(text: str) -> str:
    # "warn go" -> "WARN go": the verdict word in capitals, the decision as it is
    word, _, rest = text.partition(" ")
    if word in ("pass", "warn", "fail", "error"):
        return f"{word.upper()} {rest}".strip()
    return text


def current_state(verdict: OverallVerdict, run: Mapping[str, Any] | None) -> dict[str, dict[str,
                                                                                     str]]:
    """Return what a channel would be told now: the verdict and each alert rule's state.

    Alert rules and kill-switch conditions are the operate gates whose source is
    ``monitoring.alert_rules[...]`` or ``kill_switch...``; they are keyed by that source, so a
    rule keeps its key while its wording or figure changes.
    """
    state = {"verdict": {"verdict": verdict.verdict, "decision": verdict.decision,
                         "headline": verdict.headline}}
    for phase in (run or {}).get("phases") or []:
        for gate in phase.get("gates") or []:
            source = str(gate.get("source") or "")
            if source.startswith(_ALERT_SOURCES):
                label = str(gate.get("name") or source).split(":")[0]
                state[f"alert:{source}"] = {"verdict": str(gate.get("verdict", "warn")),
                                            "label": label,
                                            "detail": str(gate.get("detail") or "")}
    return state


def _said(entry: Mapping[str, str] | None, kind: str) -> str | None:
    if entry is None:
        return None
    if kind == "verdict":
        return f"{entry.get('verdict', '')} {entry.get('decision', '')}".strip()
    return str(entry.get("verdict", ""))


def changes(delivered: Mapping[str, Mapping[str, str]] | None,
            current: Mapping[str, Mapping[str, str]],
            triggers: Sequence[str]) -> list[Change]:
    """Return the changes between what a channel was told and the state now.

    A channel that was never told anything hears of what does not pass (a first run that is
    all green sends nothing).
    """
    first = delivered is None
    delivered = delivered or {}
    out = []
    for key in [*current, *(k for k in delivered if k not in current)]:
        kind = "verdict" if key == "verdict" else "alerts"
        if kind not in triggers:
            continue
        was, now = delivered.get(key), current.get(key)
        before, after = _said(was, kind), _said(now, kind)
        if before == after or (first and now is not None and now.get("verdict") == "pass"):
            continue
        if kind == "verdict":
            out.append(Change(kind, key, "Verdict", before, after,
                              str((now or {}).get("headline", ""))))
        else:
            label = str((now or was or {}).get("label", key))
            out.append(Change(kind, key, label, before, after,
                              str((now or {}).get("detail", ""))))
    return out


def _link(settings: Notifications, folder: Path, run_id: str) -> str:
    if settings.report_url:
        return settings.report_url.replace("{run}", run_id)
    return str(folder / "reports" / run_id / "summary.md")


def message_text(product: str, verdict: OverallVerdict, found: Sequence[Change], link: str
                 ) -> tuple[str, str]:
    """Return the subject and the plain-text body of a message.

    Examples
    --------
    >>> v = OverallVerdict("fail", "operate", "retrain", "Keep, retrain or stop?",
    ...                    "Retrain needed", "Jana")
    >>> subject, body = message_text("Pumps", v, [Change("alerts", "k", "alert A1", "pass",
    ...                                                  "fail", "640 > 300")], "https://x/1")
    >>> subject
    '[aipo] Pumps: FAIL retrain, 1 change'
    >>> print(body)
    Pumps: Retrain needed
    Decision due (operate): Keep, retrain or stop? Owner: Jana.
    <BLANKLINE>
    What changed:
      - alert A1: PASS -> FAIL (640 > 300)
    <BLANKLINE>
    Report: https://x/1
    """
    n = len(found)
    subject = (f"[aipo] {product}: {verdict.verdict.upper()} {verdict.decision}, "
               f"{n} change{'s' if n != 1 else ''}")
    lines = [f"{product}: {verdict.headline}",
             f"Decision due ({verdict.phase}): {verdict.question} Owner: {verdict.owner}."
             if verdict.owner else f"Decision due ({verdict.phase}): {verdict.question}",
             "", "What changed:", *(f"  - {c.line()}" for c in found)]
    if verdict.blocking:
        lines += ["", "Why:", *(f"  - {r.phase}, {r.name}: {r.text()}" for r in verdict.blocking)]
    lines += ["", f"Report: {link}"]
    return subject, "\n".join(lines)


def _body(fmt: str, product: str, run_id: str, verdict: OverallVerdict, found: Sequence[Change],
          subject: str, text: str, link: str) -> dict[str, Any]:
    if fmt == "slack":
        return {"text": subject, "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}]}
    if fmt == "teams":
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4",
            "body": [{"type": "TextBlock", "text": subject, "weight": "Bolder", "wrap": True},
                     {"type": "TextBlock", "text": text, "wrap": True}]}
        if link.startswith(("https://", "http://")):
            card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the report",
                                "url": link}]
        return {"type": "message", "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}
    return {"product": product, "run": run_id, "subject": subject, "text": text, "link": link,
            "verdict": verdict.to_dict(), "changes": [asdict(c) for c in found]}


class _ChannelDown(Exception):
    """A channel could not take the message (the reason holds no secret)."""


def _env(name: str, what: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        msg = f"environment variable {name} ({what}) is not set"
        raise _ChannelDown(msg)
    return value


def _post(hook: Webhook, body: Mapping[str, Any], timeout: float) -> None:
    url = hook.url or _env(hook.url_env, "the webhook URL")
    headers = {"Content-Type": "application/json", "User-Agent": "aipo-kit"}
    if hook.token_env:
        headers["Authorization"] = f"Bearer {_env(hook.token_env, 'the webhook token')}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read(1024)
    except urllib.error.HTTPError as exc:
        # the reason and code only: the URL may be the secret
        msg = f"HTTP {exc.code} {exc.reason}"
        raise _ChannelDown(msg) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        msg = f"cannot reach the webhook: {reason}"
        raise _ChannelDown(msg) from None


def _mail(channel: EmailChannel, subject: str, text: str, timeout: float) -> None:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, channel.sender, channel.to
    message.set_content(text)
    try:
        with smtplib.SMTP(channel.host, channel.port, timeout=timeout) as smtp:
            if channel.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if channel.username_env or channel.password_env:
                smtp.login(_env(channel.username_env, "the SMTP user"),
                           _env(channel.password_env, "the SMTP password"))
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        msg = f"SMTP {channel.host}:{channel.port}: {type(exc).__name__}: {exc}"
        raise _ChannelDown(msg) from None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _log(path: Path, entries: Iterable[Mapping[str, Any]]) -> None:
    lines = "".join(json.dumps(e) + "\n" for e in entries)
    if lines:
        with path.open("a", encoding="utf-8") as f:
            f.write(lines)


def notify(folder: str | os.PathLike[str], settings: Notifications, *, product: str,
           verdict: OverallVerdict, run: Mapping[str, Any] | None,
           now: dt.datetime | None = None) -> list[Delivery]:
    """Tell each configured channel what changed since it was last told; never raise.

    Parameters
    ----------
    folder : path
        The workspace.
    settings : Notifications
        The ``notifications`` section of its ``aipo.yaml``.
    product : str
        The product's name, for the messages.
    verdict : OverallVerdict
        The product's verdict now.
    run : mapping or None
        The run's ``results.json`` (its gates give the alert rules' states).
    now : datetime, optional
        The time of the delivery (UTC; default now), for the rate limit.

    Returns
    -------
    list of Delivery
        One per channel that had something to say (empty when none is configured or nothing
        changed).
    """
    if not settings.configured:
        return []
    now = now or dt.datetime.now(dt.timezone.utc)
    base = Path(folder) / "reports" / FOLDER
    base.mkdir(parents=True, exist_ok=True)
    state_path = base / "state.json"
    run_id = str((run or {}).get("id", "")) or verdict.run
    current = current_state(verdict, run)
    link = _link(settings, Path(folder), run_id)
    results, log = [], []
    # one run at a time per workspace updates the channels' state (two CI jobs may overlap)
    with file_lock(state_path):
        saved = _read_json(state_path).get("channels", {})
        channels: list[Webhook | EmailChannel] = [*settings.webhooks, *settings.email]
        for channel in channels:
            entry = saved.get(channel.id) or {}
            found = changes(entry.get("delivered"), current, settings.on)
            if not found:
                continue
            sent_at = entry.get("sent_at")
            wait = dt.timedelta(minutes=settings.min_interval_minutes)
            if sent_at and now - dt.datetime.fromisoformat(sent_at) < wait:
                results.append(Delivery(channel.id, "deferred", len(found), at=now.isoformat()))
                continue
            subject, text = message_text(product, verdict, found, link)
            try:
                if isinstance(channel, Webhook):
                    _post(channel, _body(channel.format, product, run_id, verdict, found,
                                         subject, text, link), settings.timeout_seconds)
                else:
                    _mail(channel, subject, text, settings.timeout_seconds)
            except _ChannelDown as exc:
                results.append(Delivery(channel.id, "failed", len(found), str(exc),
                                        now.isoformat()))
                continue
            saved[channel.id] = {"delivered": current, "sent_at": now.isoformat()}
            results.append(Delivery(channel.id, "sent", len(found), at=now.isoformat()))
        for d in results:
            log.append({**asdict(d), "run": run_id})
        atomic_write(state_path, json.dumps({"channels": saved}, indent=1).encode())
        _log(base / "log.jsonl", log)
    return results


def deliveries_text(deliveries: Sequence[Delivery]) -> list[str]:
    """Return the lines ``aipo run`` prints about the notifications."""
    return [f"  {d.text()}" for d in deliveries]


def last_failures(folder: str | os.PathLike[str]) -> list[Delivery]:
    """Return, per channel, its newest delivery when that one failed (for ``aipo status``)."""
    path = Path(folder) / "reports" / FOLDER / "log.jsonl"
    newest: dict[str, Delivery] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            e = json.loads(line)
            newest[e["channel"]] = Delivery(e["channel"], e["status"], int(e["changes"]),
                                            str(e.get("error", "")), str(e.get("at", "")))
        except (ValueError, KeyError, TypeError):
            continue
    return [d for d in newest.values() if d.status == "failed"]
