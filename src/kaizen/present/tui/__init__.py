"""The dashboard (``kaizen watch``): the only place that imports textual."""
