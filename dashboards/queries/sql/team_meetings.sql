-- A team's meetings (staging.team_meetings: the team's type and owner) before $day, latest first,
-- with the metrics reviewed, next steps and decisions.
SELECT meeting_date, metrics_reviewed, next_steps, decisions
FROM staging.team_meetings
WHERE upper(trim(team)) = $team_type AND owner_id = $owner_id AND meeting_date < CAST($day AS DATE)
ORDER BY meeting_date DESC
