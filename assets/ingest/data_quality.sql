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
