"""The `ingest:` section of the district's config: its code lists and warning shares reach the
contract a load uses, and a section no load could use is refused in one line naming the key."""
from __future__ import annotations

import pytest

from assets.ingest.district_config import ConfigError, district_contract, ingest_config
from data_contracts.contract import load_contracts


def configured(tmp_path, monkeypatch, text: str):
    path = tmp_path / "district.yaml"
    path.write_text(text)
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(path))
    return path


def test_a_district_list_becomes_the_allowed_codes_and_a_share_replaces_the_contracts(tmp_path, monkeypatch):
    configured(tmp_path, monkeypatch, "ingest:\n  codes:\n    survey_items: {construct: [belonging, ' climate ']}\n"
                                      "  quarantine_warning: {survey_items: 0.05}\n")
    contract = district_contract(load_contracts()["survey_items"])
    assert contract.column("construct").allowed == ("belonging", "climate")
    assert contract.quarantine_warning == 0.05
    other = district_contract(load_contracts()["plc_sig_ratings"])
    assert other.column("dimension").allowed is None and other.quarantine_warning == 0.01


def test_without_a_config_every_contract_keeps_its_own_rules(monkeypatch):
    monkeypatch.delenv("ALIGNBOARD_CONFIG", raising=False)
    contract = load_contracts()["plc_sig_ratings"]
    assert district_contract(contract) == contract


@pytest.mark.parametrize("section, message", [
    ("  quarantine_warning: {attendance_daily: 1.5}\n",
     "ingest.quarantine_warning.attendance_daily: a share from 0 to 1, not 1.5"),
    ("  codes: {attendance: {status: [present]}}\n",
     "ingest.codes.attendance: not a landing file (see data_contracts/)"),
    ("  codes: {attendance_daily: {status: [present]}}\n",
     "ingest.codes.attendance_daily.status: not a district-code column (those of attendance_daily: none)"),
    ("  codes: {plc_sig_ratings: {dimension: []}}\n",
     "ingest.codes.plc_sig_ratings.dimension: the list must hold codes, none blank"),
    ("  code: {plc_sig_ratings: {dimension: [a]}}\n", "ingest.code: Extra inputs are not permitted"),
])
def test_a_section_no_load_could_use_is_one_line_naming_the_key(tmp_path, monkeypatch, section, message):
    path = configured(tmp_path, monkeypatch, "ingest:\n" + section)
    with pytest.raises(ConfigError) as error:
        ingest_config()
    assert str(error.value) == f"{path}: {message}"
