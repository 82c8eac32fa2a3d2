"""Demo data for a first look: one organization, a cohort in its fourth week, one user per role."""
