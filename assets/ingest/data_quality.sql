-- What each load did with each landing file; `alignboard quality` shows the latest row per file.
CREATE TABLE IF NOT EXISTS mart.data_quality (
    run_id VARCHAR,
    file VARCHAR,
    status VARCHAR,             -- loaded | rejected | missing
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
CREATE TABLE IF NOT EXISTS ingest_work.profiles (
    file VARCHAR PRIMARY KEY,
    status VARCHAR,             -- read | missing | unreadable
    message VARCHAR,
    header JSON,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT,
    reasons JSON,
    row_change_ratio DOUBLE,
    duplicate_keys BIGINT,
    latest_value DOUBLE,
    freshness_change DOUBLE,
    source_file VARCHAR,
    source_sha256 VARCHAR,
    source_mtime TIMESTAMPTZ,
    checks_passed INTEGER,
    checks_failed INTEGER
);
-- Added after the first release: warehouses built before keep working.
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS encoding VARCHAR;         -- text encoding read
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS rows_by_year JSON;        -- baseline: school year -> valid rows
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS accepted_by VARCHAR;      -- `alignboard accept` applied
ALTER TABLE mart.data_quality ADD COLUMN IF NOT EXISTS accept_reason VARCHAR;
ALTER TABLE ingest_work.profiles ADD COLUMN IF NOT EXISTS encoding VARCHAR;
ALTER TABLE ingest_work.profiles ADD COLUMN IF NOT EXISTS rows_by_year JSON;
ALTER TABLE ingest_work.profiles ADD COLUMN IF NOT EXISTS baseline_rows BIGINT;
ALTER TABLE ingest_work.profiles ADD COLUMN IF NOT EXISTS baseline_year VARCHAR;
ALTER TABLE ingest_work.profiles ADD COLUMN IF NOT EXISTS dropped_references BIGINT;
ALTER TABLE ingest_work.profiles ADD COLUMN IF NOT EXISTS dropped_detail VARCHAR;
ALTER TABLE ingest_work.profiles ADD COLUMN IF NOT EXISTS accepted_by VARCHAR;
ALTER TABLE ingest_work.profiles ADD COLUMN IF NOT EXISTS accept_reason VARCHAR;
-- Intended changes a person accepted (`alignboard accept FILE --reason ...`): the next load of
-- the file skips its row-count and freshness comparisons once, and records who and why.
CREATE TABLE IF NOT EXISTS mart.acceptances (
    file VARCHAR,
    accepted_by VARCHAR,
    reason VARCHAR,
    requested_at TIMESTAMPTZ,
    applied_run_id VARCHAR,     -- NULL until a load of the file applies it
    applied_at TIMESTAMPTZ
);
