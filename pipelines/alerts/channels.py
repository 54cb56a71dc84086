"""Delivering an alert: email over SMTP and a JSON webhook (`{"text": ...}`, which Slack, Teams
and most chat tools accept)."""
from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage

from pipelines.alerts.message import Alert
from pipelines.alerts.settings import AlertSettings, EmailSettings


def send_email(settings: EmailSettings, alert: Alert) -> None:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    message.set_content(alert.text)
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_seconds,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    with client:
        if settings.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.username:
            client.login(settings.username, settings.password() or "")
        client.send_message(message)


def post_webhook(url: str, alert: Alert, timeout: float) -> None:
    body = json.dumps({"text": f"{alert.subject}\n\n{alert.text}"}).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


def deliver(settings: AlertSettings, alert: Alert) -> list[str]:
    """Send to every configured channel; one line per channel that failed (the others still get it)."""
    errors = []
    if settings.email:
        try:
            send_email(settings.email, alert)
        except (OSError, smtplib.SMTPException) as error:
            errors.append(f"email via {settings.email.host}:{settings.email.port} failed: {error}")
    url = settings.webhook_url()
    if url:
        timeout = settings.webhook.timeout_seconds if settings.webhook else 30
        try:
            post_webhook(url, alert, timeout)
        except (OSError, urllib.error.URLError) as error:  # HTTPError is a URLError: the status says why
            host = urllib.parse.urlsplit(url).hostname
            errors.append(f"webhook to {host} failed: {error}")
    return errors
