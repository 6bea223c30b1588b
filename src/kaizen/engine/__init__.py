"""The state table and the driver that walks it."""
