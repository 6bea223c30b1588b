"""The SQLite history, JSON exports, checkpoints."""
