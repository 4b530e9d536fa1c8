"""Sending an alert: to a Slack-compatible incoming webhook, by email through an SMTP server, or both.

The webhook gets `{"text": ...}`, the body Slack's incoming webhooks take, and so do Mattermost, Rocket.Chat
and Google Chat. An email is plain text, its subject the alert's title. Where they go comes from the
environment (`settings.alert_settings`). The webhook URL and the SMTP password are secrets: no message here
ever quotes them.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

import requests

from interaction_pipeline.privacy import masked_text
from interaction_pipeline.settings import AlertSettings

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Alert:
    title: str  # one line: what is wrong, or what is right again
    detail: str  # the cause and what to do about it
    link: str | None = None  # where to look: the run or the asset in the Dagster UI

    def text(self) -> str:
        """The alert as sent: emails and phone numbers in it masked, should an error message quote one."""
        return masked_text("\n".join(part for part in (self.title, self.detail, self.link) if part))


class AlertNotSent(Exception):
    """A configured channel did not take the alert; the message names the channel, never its secret."""


def channels(settings: AlertSettings) -> list[str]:
    """The channels alerts go to: "webhook", "email"."""
    found = ["webhook"] if settings.webhook_url else []
    return found + (["email"] if settings.email_to and settings.smtp_host else [])


def send(alert: Alert, settings: AlertSettings) -> list[str]:
    """Send ``alert`` to every configured channel; returns them. Raises `AlertNotSent` if one failed (the
    others may have got it: a channel failing must not silence the rest)."""
    sent, failures = [], []
    for channel in channels(settings):
        try:
            (post_webhook if channel == "webhook" else send_email)(alert, settings)
            sent.append(channel)
        except (requests.RequestException, smtplib.SMTPException, OSError, AlertNotSent) as error:
            failures.append(f"{channel}: {_described(error)}")
    if failures:
        raise AlertNotSent("; ".join(failures))
    return sent


def post_webhook(alert: Alert, settings: AlertSettings) -> None:
    response = requests.post(settings.webhook_url, json={"text": alert.text()}, timeout=TIMEOUT_SECONDS)
    if not response.ok:
        raise AlertNotSent(f"the alert webhook answered HTTP {response.status_code}")


def send_email(alert: Alert, settings: AlertSettings) -> None:
    message = EmailMessage()
    message["Subject"] = masked_text(alert.title)
    message["From"] = settings.email_from
    message["To"] = ", ".join(settings.email_to)
    message.set_content(alert.text())
    if settings.smtp_security == "ssl":
        server = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
    with server:
        if settings.smtp_security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            server.login(settings.smtp_username, settings.smtp_password or "")
        server.send_message(message)


def _described(error: Exception) -> str:
    """The error without the request's URL, which for a webhook is its secret."""
    if isinstance(error, requests.RequestException):
        return f"{type(error).__name__} (the webhook could not be reached)"
    return str(error) or type(error).__name__
