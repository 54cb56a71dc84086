"""Where alerts go: the `alerts:` section of the district config ($ALIGNBOARD_CONFIG).

    alerts:
      quarantine_share: 0.02            # optional: also a file quarantining more than this share
      email:
        host: smtp.district.org
        port: 587
        security: starttls              # starttls (default), ssl or none
        from: alignboard@district.org
        to: [data-team@district.org]
        username: alignboard            # optional; the password is $ALIGNBOARD_SMTP_PASSWORD
      webhook:
        url: https://chat.example/hooks/...   # or $ALIGNBOARD_WEBHOOK_URL, which wins

A file the load marks `loaded_with_warnings` (its quarantined share passed the contract's or the
district's `ingest.quarantine_warning`, default 1%) is always reported; `quarantine_share` adds
files under that threshold but over this one. Secrets (the SMTP password, a webhook URL carrying a token) come from the environment so the
config file can be shared. No section, no channel: alerts are off.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assets.config import config_path, read_mapping

SMTP_PASSWORD_ENV = "ALIGNBOARD_SMTP_PASSWORD"
WEBHOOK_URL_ENV = "ALIGNBOARD_WEBHOOK_URL"


class AlertSettingsError(Exception):
    """The alerts section is invalid; the message is one line naming the file and the field."""


class EmailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str = Field(min_length=1)
    port: int = Field(default=587, gt=0, lt=65536)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    sender: str = Field(alias="from", min_length=3)
    to: list[str] = Field(min_length=1)
    username: str | None = None
    timeout_seconds: float = Field(default=30, gt=0)

    def password(self) -> str | None:
        return os.environ.get(SMTP_PASSWORD_ENV) or None


class WebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, pattern=r"^https?://")
    timeout_seconds: float = Field(default=30, gt=0)

    def resolved_url(self) -> str | None:
        return os.environ.get(WEBHOOK_URL_ENV) or self.url


class AlertSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quarantine_share: float | None = Field(default=None, ge=0, le=1)
    email: EmailSettings | None = None
    webhook: WebhookSettings | None = None

    @property
    def channels(self) -> list[str]:
        names = ["email"] if self.email else []
        if (self.webhook or WebhookSettings()).resolved_url():
            names.append("webhook")
        return names

    def webhook_url(self) -> str | None:
        return (self.webhook or WebhookSettings()).resolved_url()


def load_alert_settings(path: str | Path | None = None) -> AlertSettings:
    """The alerts section of `path` (default $ALIGNBOARD_CONFIG); defaults when there is none."""
    path = Path(path) if path is not None else config_path()
    section = read_mapping(path, AlertSettingsError).get("alerts") if path is not None else None
    if section is None:
        return AlertSettings()
    if not isinstance(section, dict):
        raise AlertSettingsError(f"{path}: alerts: must be a mapping")
    try:
        return AlertSettings.model_validate(section)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in ("alerts", *first["loc"]))
        raise AlertSettingsError(f"{path}: {where}: {first['msg']}") from None
