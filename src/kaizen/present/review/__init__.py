"""A night read back from its history, for the dashboard and the reports: snapshot, figures, andon board."""
