"""The ``notifications`` section of ``aipo.yaml``: where alerts about the product are delivered.

Channels are webhooks (a generic JSON body, or Slack's or Microsoft Teams' message format) and
e-mail over SMTP. Secrets never stand in the file: a webhook URL that carries its own secret
(Slack's and Teams' do) and the SMTP credentials are read from environment variables whose
*names* the file holds. :mod:`aipo_widgets.pipeline.notify` sends the messages.

Examples
--------
>>> n = Notifications.model_validate({
...     "webhooks": [{"id": "ops", "format": "slack", "url_env": "AIPO_SLACK_URL"}],
...     "email": [{"id": "owner", "to": ["jana@example.com"], "sender": "aipo@example.com",
...                "host": "smtp.example.com", "username_env": "SMTP_USER",
...                "password_env": "SMTP_PASSWORD"}]})
>>> n.configured, n.email[0].port, n.min_interval_minutes
(True, 587, 60)
>>> Notifications().configured
False
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from aipo_widgets.model._patterns import ENV_NAME, HTTP_URL
from aipo_widgets.model.fields import Id, StrictModel

__all__ = ["EmailChannel", "Notifications", "Webhook"]

Trigger = Literal["verdict", "alerts"]
TRIGGERS: tuple[Trigger, ...] = ("verdict", "alerts")


class Webhook(StrictModel):
    """A webhook that receives a message on each change."""

    id: Id = Field(description="Unique id of the channel, e.g. ops-slack.")
    format: Literal["json", "slack", "teams"] = Field(
        "json",
        description="json: the kit's own JSON body; slack: a Slack incoming webhook; teams: a "
        "Microsoft Teams (Workflows) webhook, given an Adaptive Card.",
    )
    url: HTTP_URL = Field(
        "",
        description="The URL, only where it holds no secret (an internal endpoint); otherwise "
        "url_env.",
    )
    url_env: ENV_NAME = Field(
        "", description="Environment variable holding the URL (Slack's and Teams' URLs are "
        "secrets)."
    )
    token_env: ENV_NAME = Field(
        "", description="Environment variable holding a token sent as 'Authorization: Bearer'."
    )

    @model_validator(mode="after")
    def _one_url(self) -> Webhook:
        if bool(self.url) == bool(self.url_env):
            raise PydanticCustomError(
                "webhook_url", "give the URL in exactly one of url or url_env (the name of "
                "the environment variable that holds it)", {})
        return self


class EmailChannel(StrictModel):
    """E-mail over SMTP."""

    id: Id = Field(description="Unique id of the channel, e.g. owner-mail.")
    to: list[str] = Field(min_length=1, description="Recipients' addresses.")
    sender: str = Field(min_length=3, description="The From address.")
    host: str = Field(min_length=1, description="The SMTP server.")
    port: int = Field(587, ge=1, le=65535, description="Its port (587 for STARTTLS).")
    starttls: bool = Field(
        True, description="Upgrade the connection with STARTTLS before logging in (leave on "
        "unless the server is on this machine)."
    )
    username_env: ENV_NAME = Field("", description="Environment variable with the user name.")
    password_env: ENV_NAME = Field("", description="Environment variable with the password.")


class Notifications(StrictModel):
    """Where and when changes of the product's verdict and alert rules are delivered."""

    webhooks: list[Webhook] = Field(default_factory=list, description="Webhook channels.")
    email: list[EmailChannel] = Field(default_factory=list, description="E-mail channels.")
    on: list[Trigger] = Field(
        default_factory=lambda: list(TRIGGERS),
        description="What is notified: changes of the product's verdict, of the alert rules "
        "and kill-switch conditions, or both.",
    )
    min_interval_minutes: int = Field(
        60, ge=0,
        description="At most one message per channel in this many minutes; a change that "
        "comes sooner waits for the next run after it (and is dropped if it reverted).",
    )
    report_url: str = Field(
        "",
        description="Where the run reports are published, for the link in each message; "
        "'{run}' is replaced by the run id, e.g. https://ci.example.com/aipo/{run}/summary.md. "
        "Empty: the path of the run's folder.",
    )
    timeout_seconds: float = Field(
        10, gt=0, le=60, description="How long a channel may take before it counts as down."
    )

    @property
    def configured(self) -> bool:
        """True when at least one channel is configured."""
        return bool(self.webhooks or self.email)
