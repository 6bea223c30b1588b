"""Run tests; capture and replay behaviour; statistics."""
