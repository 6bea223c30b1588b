"""Reporters (text, markdown, html, json, sarif) and tui/ (the only place importing textual)."""
