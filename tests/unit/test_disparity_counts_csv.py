"""The aggregated-counts CSV reader: every bad input stops with an error naming line and column."""
import pytest

from assets.equity.counts_csv import CountsInputError, read_counts

HEADER = "school_year,lea_id,category,group,count,population\n"


def write(tmp_path, text, name="counts.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_reads_rows_and_tells_state_rows_apart(tmp_path):
    path = write(tmp_path, HEADER
                 + "2024,00123,identification_all,black,12,40\n"
                 + "\n"
                 + "2024,STATE,identification_all,black,1000,10000\n")
    rows = read_counts(path)
    assert [(r.line, r.lea_id, r.count, r.population, r.is_state) for r in rows] == [
        (2, "00123", 12, 40, False), (4, "STATE", 1000, 10000, True)]


def test_byte_order_mark_extra_columns_and_column_order_are_accepted(tmp_path):
    path = write(tmp_path, "\ufeffpopulation,count,group,category,lea_id,school_year,note\n"
                 "40,12,black,identification_all,D1,2024,from the state portal\n")
    (row,) = read_counts(path)
    assert (row.school_year, row.lea_id, row.group, row.count, row.population) == (2024, "D1", "black", 12, 40)


def test_total_removals_may_exceed_population(tmp_path):
    (row,) = read_counts(write(tmp_path, HEADER + "2024,D1,discipline_total_removals,black,45,30\n"))
    assert (row.count, row.population) == (45, 30)


@pytest.mark.parametrize(
    "body, line, column, message",
    [
        ("2024,D1,identification_all,black,12,40\n2024,D1,identification_all,white,-3,40\n",
         3, "count", "count -3 is negative"),
        ("2024,D1,identification_all,black,12.5,40\n", 2, "count", "count '12.5' is not a whole number"),
        ("2024,D1,identification_all,black,12,forty\n", 2, "population", "population 'forty' is not a whole number"),
        ("2024,D1,identification_all,black,12,-40\n", 2, "population", "population -40 is negative"),
        ("2024,D1,identification_all,black,,40\n", 2, "count", "count is blank"),
        ("2024,D1,identification_all,black,1,100000000000001\n", 2, "population",
         "population 100000000000001 is larger than 100000000000000"),
        ("2024,D1,identification_all,black,41,40\n", 2, "count", "count 41 is greater than population 40"),
        ("2024,D1,placement_separate,black,41,40\n", 2, "count", "count 41 is greater than population 40"),
        ("2024,D1,identification_all,black,12,40\n2024,D2,identification_all,black,1,40\n"
         "2024,D1,identification_all,black,13,40\n",
         4, "group", "duplicate row for school_year 2024, lea_id D1, category identification_all, "
                     "group black (first at line 2)"),
        ("2024,D1,identification_all,African American,12,40\n", 2, "group", "group 'African American' is not one of"),
        ("2024,,identification_all,black,12,40\n", 2, "lea_id", "lea_id is blank"),
        ("2024,D1,,black,12,40\n", 2, "category", "category is blank"),
        ("2023-24,D1,identification_all,black,12,40\n", 2, "school_year", "school_year '2023-24' is not a year"),
        ("2024,D1,identification_all,black,12\n", 2, "population", "expected 6 fields, found 5"),
        ("2024,D1,identification_all,black,12,40,x\n", 2, "after population", "expected 6 fields, found 7"),
    ],
)
def test_bad_rows_name_line_and_column(tmp_path, body, line, column, message):
    with pytest.raises(CountsInputError) as caught:
        read_counts(write(tmp_path, HEADER + body))
    error = caught.value
    assert (error.line, error.column) == (line, column)
    assert error.message.startswith(message)
    assert str(error) == f"line {line}: {error.message} (column {column})"


def test_missing_column_names_the_header_line(tmp_path):
    with pytest.raises(CountsInputError) as caught:
        read_counts(write(tmp_path, "school_year,lea_id,category,group,count\n2024,D1,x,black,1\n"))
    assert str(caught.value) == "line 1: the header has no population column (column population)"


def test_empty_file(tmp_path):
    with pytest.raises(CountsInputError, match="line 1: the file is empty"):
        read_counts(write(tmp_path, ""))


def test_not_utf8_is_reported_by_the_caller(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "2024,Peñasco,identification_all,black,1,40\n".encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        read_counts(path)
