"""Compile a contract into DuckDB SQL that types each row and lists every rule it breaks.

Reason codes (stable: they appear in quarantine tables, `alignboard quality` and tests):
  missing:<col>          a required value is blank
  invalid_<type>:<col>   the text is not a valid integer / number / date / boolean / school_year
  unknown_code:<col>     the value is not in the column's allowed codes (or the district's list)
  too_long:<col>         the text is longer than the column's max_length (characters)
  control_character:<col>  an id, code or name holds a line break, tab or other control character
  out_of_range:<col>     the value is outside the column's min / max
  rule:<name>            a cross-field rule of the contract is broken
  orphan:<file>          a foreign key has no match in that file's loaded rows
  duplicate_key          several rows share the key with different content (all are quarantined)
  duplicate_row          an exact copy of an earlier row (the first copy is loaded)
  malformed_row:<error>  the CSV line itself could not be parsed (wrong number of fields, ...)
"""
from __future__ import annotations

from data_contracts.contract import SINGLE_LINE, Column, Contract

TRUE_WORDS = "('y', 'yes', 'true', 't', '1')"
FALSE_WORDS = "('n', 'no', 'false', 'f', '0')"
# C0 controls (line feed, carriage return, tab, ...), DEL and the C1 controls, as a GLOB pattern
# (a GLOB class is matched by code point, as a regular expression's would be, at a twentieth of
# its cost on a file of 36 million rows)
CONTROL_CHARACTERS = "'*[' || chr(0) || '-' || chr(31) || chr(127) || '-' || chr(159) || ']*'"


def quote(name: str) -> str:
    """The one identifier quoting helper of the project: a column, table or schema name."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """A text value for the few statements DuckDB cannot parameterize (COMMENT ON, a compiled
    contract's code lists, file paths in DDL); everywhere else values are $parameters."""
    return "'" + str(value).replace("'", "''") + "'"


def _text(col: Column) -> str:
    return f"NULLIF(trim({quote(col.name)}), '')"


def _blank(col: Column) -> str:
    """Name of the helper column that says the original text was blank."""
    return quote(f"{col.name}__blank")


def typed_expression(col: Column) -> str:
    """The typed value of a column; NULL when blank or not parseable."""
    text = _text(col)
    if col.is_text:
        return text
    if col.type in ("integer", "school_year"):
        # DuckDB would round '7.5' to 8: only whole numbers are integers
        return f"CASE WHEN regexp_full_match({text}, '[+-]?[0-9]+') THEN TRY_CAST({text} AS INTEGER) END"
    if col.type == "number":
        return f"CASE WHEN isfinite(TRY_CAST({text} AS DOUBLE)) THEN TRY_CAST({text} AS DOUBLE) END"
    if col.type == "date":
        return f"TRY_CAST(try_strptime({text}, '%Y-%m-%d') AS DATE)"
    if col.type == "boolean":
        return (
            f"CASE WHEN lower({text}) IN {TRUE_WORDS} THEN true "
            f"WHEN lower({text}) IN {FALSE_WORDS} THEN false END"
        )
    raise ValueError(col.type)


def column_reasons(col: Column) -> list[str]:
    """SQL expressions, one per rule on this column, each yielding a reason code or NULL.

    They read the typed row as `candidate`, including the `<col>__blank` helper column.
    """
    typed, blank = f"candidate.{quote(col.name)}", f"candidate.{_blank(col)}"
    reasons = []
    if col.required:
        reasons.append(f"CASE WHEN {blank} THEN 'missing:{col.name}' END")
    if not col.is_text:
        reasons.append(f"CASE WHEN NOT {blank} AND {typed} IS NULL THEN 'invalid_{col.type}:{col.name}' END")
    if col.is_text:
        reasons.append(f"CASE WHEN length({typed}) > {col.length_limit} THEN 'too_long:{col.name}' END")
    if col.type in SINGLE_LINE and not col.allowed:  # a listed code has no control character
        reasons.append(
            f"CASE WHEN {typed} GLOB {CONTROL_CHARACTERS} THEN 'control_character:{col.name}' END"
        )
    if col.allowed:
        codes = ", ".join(literal(a) for a in col.allowed)
        reasons.append(f"CASE WHEN {typed} NOT IN ({codes}) THEN 'unknown_code:{col.name}' END")
    bounds = []
    if col.type == "school_year":
        bounds += [f"{typed} < 1990", f"{typed} > 2100"]
    if col.min is not None:
        bounds.append(f"{typed} {'<=' if col.min_exclusive else '<'} {col.min}")
    if col.max is not None:
        bounds.append(f"{typed} > {col.max}")
    if bounds:
        reasons.append(f"CASE WHEN {' OR '.join(bounds)} THEN 'out_of_range:{col.name}' END")
    return reasons


def _found(index: int) -> str:
    return quote(f"__fk_{index}_found")


def foreign_key_join(fk, index: int) -> str:
    """LEFT JOIN the referenced file's distinct keys: one hash join, as fast as the scan itself
    (a NOT EXISTS subquery would de-duplicate the 36 million outer rows first)."""
    # the referenced columns get names of their own, so rules never see two columns of one name
    keys = [(quote(c), quote(f"__fk_{index}_{c}")) for c in fk.columns]
    select = ", ".join(f"{c} AS {alias}" for c, alias in keys)
    match = " AND ".join(f"fk_{index}.{alias} = candidate.{c}" for c, alias in keys)
    return (
        f"LEFT JOIN (SELECT DISTINCT {select}, true AS {_found(index)} "
        f"FROM staging.{quote(fk.references)}) AS fk_{index} ON {match}"
    )


def foreign_key_reason(fk, index: int) -> str:
    present = " AND ".join(f"candidate.{quote(c)} IS NOT NULL" for c in fk.columns)
    return f"CASE WHEN {present} AND {_found(index)} IS NULL THEN '{fk.reason}' END"


def _typed_select(contract: Contract, lines: str, extra_columns: list[str], blanks: bool) -> str:
    """The rows of `lines` typed per the contract; `blanks` adds the `<col>__blank` helpers the
    reasons read."""
    selected = ["_row", "_line"] + [f"{typed_expression(c)} AS {quote(c.name)}" for c in contract.columns]
    selected += [quote(e) for e in extra_columns]
    if blanks:
        selected += [f"{_text(c)} IS NULL AS {_blank(c)}" for c in contract.columns]
    derived = "".join(f", {expr} AS {quote(name)}" for name, expr in contract.derived.items())
    select_list = ",\n        ".join(selected)
    return f"""
WITH typed AS (
    SELECT
        {select_list}
    FROM {lines}
)
SELECT *{derived} FROM typed"""


def typed_rows_sql(contract: Contract, lines: str, extra_columns: list[str]) -> str:
    """SELECT every landing row (`_row`, `_line`) with its typed, derived and extra columns."""
    return _typed_select(contract, lines, extra_columns, blanks=False)


def broken_rows_sql(contract: Contract, lines: str) -> str:
    """SELECT `_row`, `_line` and `_reasons`, every rule broken, of each landing row that breaks
    one. Only these rows are written: the valid ones stay where they are (duplicates are found
    afterwards, among the valid rows)."""
    reasons = [r for c in contract.columns for r in column_reasons(c)]
    # a rule whose inputs are unknown (NULL) is not broken: blank values have their own reasons
    reasons += [f"CASE WHEN NOT coalesce(({r.valid_when}), true) THEN '{r.reason}' END" for r in contract.rules]
    reasons += [foreign_key_reason(fk, i) for i, fk in enumerate(contract.foreign_keys)]
    joins = "\n".join(foreign_key_join(fk, i) for i, fk in enumerate(contract.foreign_keys))
    reason_list = ",\n        ".join(reasons) or "NULL"
    return f"""
WITH candidate AS ({_typed_select(contract, lines, [], blanks=True)}
),
judged AS (
    SELECT candidate._row, candidate._line, list_filter([
        {reason_list}
    ], lambda r: r IS NOT NULL) AS _reasons
    FROM candidate
    {joins}
)
SELECT * FROM judged WHERE len(_reasons) > 0
"""
