"""The `ingest:` section of the district's config ($ALIGNBOARD_CONFIG), validated with pydantic:

    ingest:
      encoding: {schools: cp1252}                 # a file's text encoding, when not detected
      codes:                                      # the district's own codes of a district-code column
        plc_sig_ratings: {dimension: [shared_mission, collaborative_teams]}
      quarantine_warning: {attendance_daily: 0.03}  # quarantined share above which a load has warnings

A column the contract marks `district_codes: true` holds values the district defines (PLC SIG
dimensions, walkthrough focus areas and indicators, behaviors, survey constructs). With a list
here, a value outside it is quarantined `unknown_code:<col>`; without one, every value loads and
the quality report lists the codes seen for the first time, so a district's own codes never fail
its first night.
"""
from __future__ import annotations

import dataclasses

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assets.config import config_path, read_mapping
from data_contracts.contract import Contract, load_contracts


class ConfigError(ValueError):
    """The ingest section cannot be used: str(exc) is one line naming the file and the key."""


class IngestConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)  # codes like 01 or 3

    encoding: dict[str, str] = {}
    codes: dict[str, dict[str, list[str]]] = {}
    quarantine_warning: dict[str, float] = {}


class _Share(BaseModel):
    share: float = Field(ge=0, le=1)


def ingest_config() -> IngestConfig:
    """The district's ingest section (empty without a config file)."""
    path = config_path()
    if path is None:
        return IngestConfig()
    section = read_mapping(path, ConfigError).get("ingest") or {}
    try:
        config = IngestConfig.model_validate(section)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise ConfigError(f"{path}: ingest.{where}: {error['msg']}") from None
    contracts = load_contracts()
    for file, columns in config.codes.items():
        if file not in contracts:
            raise ConfigError(f"{path}: ingest.codes.{file}: not a landing file (see data_contracts/)")
        for column, codes in columns.items():
            known = [c.name for c in contracts[file].columns if c.district_codes]
            if column not in known:
                raise ConfigError(f"{path}: ingest.codes.{file}.{column}: not a district-code column "
                                  f"(those of {file}: {', '.join(known) or 'none'})")
            if not codes or any(not str(c).strip() for c in codes):
                raise ConfigError(f"{path}: ingest.codes.{file}.{column}: the list must hold codes, none blank")
    for file, share in config.quarantine_warning.items():
        if file not in contracts:
            raise ConfigError(f"{path}: ingest.quarantine_warning.{file}: not a landing file (see data_contracts/)")
        try:
            _Share(share=share)
        except ValidationError:
            raise ConfigError(f"{path}: ingest.quarantine_warning.{file}: a share from 0 to 1, not {share}") from None
    return config


def district_contract(contract: Contract, config: IngestConfig | None = None) -> Contract:
    """The contract as this district loads it: its listed codes become the allowed codes of their
    columns, and its quarantine_warning replaces the contract's."""
    config = ingest_config() if config is None else config
    codes = config.codes.get(contract.file, {})
    columns = tuple(
        dataclasses.replace(c, allowed=tuple(str(v).strip() for v in codes[c.name])) if c.name in codes else c
        for c in contract.columns
    )
    warning = config.quarantine_warning.get(contract.file, contract.quarantine_warning)
    return dataclasses.replace(contract, columns=columns, quarantine_warning=warning)


def open_code_columns(contract: Contract) -> list[str]:
    """District-code columns without a list: their new codes are reported, not quarantined."""
    return [c.name for c in contract.columns if c.district_codes and not c.allowed]
