"""Early-warning indicators (attendance, behavior, course performance, assessment) per student,
as of any date: the students a school's MTSS team works from, and mart.early_warning, their
history at each month end."""
