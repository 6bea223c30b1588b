"""The catalogue of slow shapes: one module per pattern and a registry listing them all."""
