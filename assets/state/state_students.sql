-- The state's students for its own disparity counts, from the rows its districts' staging tables
-- hold (copied into rollup_<table> with the warehouse they came from in rollup_district): one row
-- per student and school year, so a student enrolled in two districts in one year is one member
-- of the state. When the districts disagree about such a student (race, grade, disability), the
-- row of the warehouse whose district id sorts first is kept; a student's removals and supports
-- are those of every district.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE OR REPLACE TABLE staging.students AS
SELECT * EXCLUDE (rollup_district) FROM rollup_students
QUALIFY row_number() OVER (PARTITION BY student_id, school_year ORDER BY rollup_district) = 1;

CREATE OR REPLACE TABLE staging.special_education AS
SELECT * EXCLUDE (rollup_district) FROM rollup_special_education
QUALIFY row_number() OVER (PARTITION BY student_id, school_year ORDER BY rollup_district) = 1;

CREATE OR REPLACE TABLE staging.schools AS SELECT * EXCLUDE (rollup_district) FROM rollup_schools;
CREATE OR REPLACE TABLE staging.discipline_incidents AS
SELECT * EXCLUDE (rollup_district) FROM rollup_discipline_incidents;
CREATE OR REPLACE TABLE staging.mtss_interventions AS
SELECT * EXCLUDE (rollup_district) FROM rollup_mtss_interventions;
