"""Fast ast scan, hot spots, candidate ranking, complexity estimates."""
