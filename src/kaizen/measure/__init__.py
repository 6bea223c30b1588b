"""Run benchmark processes: samples, resource use, profiles."""
