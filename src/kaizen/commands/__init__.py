"""One module per CLI verb; each takes plain values from cli.py and returns an exit code."""
