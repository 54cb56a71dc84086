"""The one CSV writer's cells: what landing files put in a download is shown by a spreadsheet,
never run by it."""
import io

from dashboards.queries.exports import cell_text, write_rows


def test_text_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe():
    assert cell_text("=HYPERLINK(\"http://evil.example\")") == "'=HYPERLINK(\"http://evil.example\")"
    assert cell_text("@SUM(A1)") == "'@SUM(A1)"
    assert cell_text("+1+cmd|' /C calc'!A0") == "'+1+cmd|' /C calc'!A0"
    # starts like a negative number but is not one: a DDE payload
    assert cell_text("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert cell_text("\tx") == "'\tx"


def test_plain_numbers_ids_and_words_are_written_as_they_are():
    assert cell_text("-5") == "-5"  # a quarantined negative count, as received
    assert cell_text("-0.25") == "-0.25"
    assert cell_text("0001524") == "0001524"
    assert cell_text("a-b=c") == "a-b=c"  # only the first character matters
    assert cell_text(-5.0) == "-5"  # numbers are never prefixed
    assert cell_text(True) == "Y" and cell_text(None) == ""


def test_the_writer_applies_the_rule_to_every_row():
    out = io.StringIO()
    assert write_rows(["line", "value"], [(2, "=1+1"), (3, "ok")], out) == 2
    assert out.getvalue() == "line,value\n2,'=1+1\n3,ok\n"
