"""The district's configuration file ($ALIGNBOARD_CONFIG): one YAML file whose sections
(`metrics:`, `disparity:`, ...) override the shipped defaults of each part of the pipeline."""
from __future__ import annotations

import os
from pathlib import Path

import yaml

CONFIG_ENV = "ALIGNBOARD_CONFIG"


def config_path() -> Path | None:
    """The district's configuration file, if one is set."""
    value = os.environ.get(CONFIG_ENV)
    return Path(value) if value else None


def read_mapping(path: Path, error: type[Exception]) -> dict:
    """A YAML file whose top level is a mapping; anything else raises `error` naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise error(f"{path}: the top level must be a mapping")
    return data
