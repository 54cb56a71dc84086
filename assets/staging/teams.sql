-- The teams that meet: the rows of teams.csv when the file has any, else one team per owner in
-- team_meetings (id TYPE:OWNER, named after the entity it owns) with the usual cadence of its type
-- (DLT quarterly, OLT 1-2 a month -> monthly, BLT 2-3 and PLC 2-4 a month -> biweekly,
-- CLC 4 a month -> weekly). cadence_days is the expected time between meetings, for the next
-- meeting date: weekly 7, biweekly 14, monthly 30, quarterly 91, "every N days" N.
CREATE OR REPLACE TABLE staging.teams AS
WITH types (team_type, owner_level, seed_cadence) AS (
    VALUES ('DLT', 'district', 'quarterly'), ('OLT', 'department', 'monthly'), ('BLT', 'school', 'biweekly'),
           ('PLC', 'plc', 'biweekly'), ('CLC', 'classroom', 'weekly')
), listed AS (
    SELECT team_id, upper(trim(team_type)) AS team_type, owner_id, team_name,
           lower(trim(cadence)) AS cadence, member_staff_ids, 'teams.csv' AS source
    FROM raw.teams
), met AS (
    SELECT DISTINCT upper(trim(team)) AS team_type, owner_id
    FROM staging.team_meetings
    WHERE team IS NOT NULL AND owner_id IS NOT NULL
), derived AS (
    SELECT m.team_type || ':' || m.owner_id AS team_id, m.team_type, m.owner_id,
           m.team_type || ' ' || coalesce(h.entity_name, m.owner_id) AS team_name,
           t.seed_cadence AS cadence, NULL::VARCHAR AS member_staff_ids, 'team_meetings.csv' AS source
    FROM met AS m
    JOIN types AS t USING (team_type)
    LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = t.owner_level AND h.entity_id = m.owner_id
    WHERE NOT EXISTS (SELECT 1 FROM raw.teams)
), teams AS (
    SELECT * FROM listed
    UNION ALL
    SELECT * FROM derived
)
SELECT x.team_id, x.team_type, t.owner_level, x.owner_id, x.team_name, x.cadence,
       CASE x.cadence WHEN 'weekly' THEN 7 WHEN 'biweekly' THEN 14 WHEN 'monthly' THEN 30 WHEN 'quarterly' THEN 91
            ELSE CAST(regexp_extract(x.cadence, '^every ([0-9]+) days?$', 1) AS INTEGER) END AS cadence_days,
       CASE WHEN nullif(trim(x.member_staff_ids), '') IS NOT NULL
            THEN list_filter(list_transform(string_split(x.member_staff_ids, '|'), lambda s: trim(s)), lambda s: s <> '')
       END AS member_staff_ids,
       x.source
FROM teams AS x
JOIN types AS t USING (team_type)
ORDER BY x.team_id;
