"""The data-quality page: shares quarantined on a linear scale, and a file loaded with warnings
shown in words and amber, never as a green "loaded"."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboards.components import figures


@pytest.fixture(scope="module")
def quality_page(tmp_path_factory):
    from dashboards.app import create_app

    create_app(tmp_path_factory.mktemp("w") / "warehouse.duckdb")  # registers the pages
    from dashboards.pages import quality

    return quality


FILES = pd.DataFrame({
    "file": ["students.csv", "cfa_results.csv", "attendance_daily.csv"],
    "status": ["loaded", "loaded_with_warnings", "rejected"],
    "rows_read": [1_000, 104_310, 30],
    "rows_quarantined": [0, 3_025, 30],
})


def test_the_chart_shows_each_files_quarantined_share_on_a_linear_scale(quality_page):
    figure = quality_page.quarantine_chart(FILES).figure
    bar = figure["data"][0]
    # sorted by share: 0 / 1,000 = 0%; 3,025 / 104,310 = 2.9%; 30 / 30 = 100%
    assert bar["y"] == ["students.csv", "cfa_results.csv", "attendance_daily.csv"]
    assert bar["x"] == pytest.approx([0.0, 2.9000096, 100.0])
    assert figure["layout"]["xaxis"].get("type", "linear") == "linear"
    assert bar["marker"]["color"] == [figures.BLUE, figures.NEAR, figures.OFF]


def test_a_file_loaded_with_warnings_says_so_in_words(quality_page):
    assert quality_page.STATUS_TEXT["loaded_with_warnings"] == "⚠ loaded with warnings"
    assert quality_page.STATUS_TEXT["loaded"] == "✓ loaded"
