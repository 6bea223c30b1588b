"""Apply exactly one candidate with libcst; diffs."""
