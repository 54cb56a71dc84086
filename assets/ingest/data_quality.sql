-- What each load did with each landing file: one row per contract file and run;
-- `alignboard quality` shows the latest run's rows.
CREATE TABLE IF NOT EXISTS mart.data_quality (
    run_id VARCHAR,
    file VARCHAR,
    status VARCHAR,             -- loaded | loaded_with_warnings | rejected | missing | unchanged | not_run
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT,
    reasons JSON,               -- reason code -> quarantined rows with that reason
    checks_passed INTEGER,
    checks_failed INTEGER,
    message VARCHAR,            -- one line: why a file was rejected or is missing
    source_file VARCHAR,
    source_sha256 VARCHAR,
    source_mtime TIMESTAMPTZ,
    latest_value DOUBLE,        -- freshness: newest date (epoch days) or school year in the file
    loaded_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS mart.gx_results (
    run_id VARCHAR,
    file VARCHAR,
    expectation VARCHAR,
    column_name VARCHAR,
    success BOOLEAN,
    observed VARCHAR,
    validated_at TIMESTAMPTZ
);
-- warehouses loaded before these columns existed
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS upstream_file VARCHAR;  -- not_run: the file that stopped it
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS encoding VARCHAR;       -- text encoding read
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS rows_by_year JSON;      -- baseline: school year -> valid rows
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS accepted_by VARCHAR;    -- `alignboard accept` applied
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS accept_reason VARCHAR;
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS source_size BIGINT;     -- bytes, with source_mtime
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS new_codes JSON;        -- district-code column -> codes new to it
-- Intended changes a person accepted (`alignboard accept FILE --reason ...` appends a row): the
-- next load of the file skips its row-count and freshness comparisons once; the quality report
-- of that run records who and why in mart.data_quality and the run here.
CREATE TABLE IF NOT EXISTS mart.acceptances (
    file VARCHAR,
    accepted_by VARCHAR,
    reason VARCHAR,
    requested_at TIMESTAMPTZ,
    applied_run_id VARCHAR,     -- NULL until a load of the file applies it
    applied_at TIMESTAMPTZ
);
