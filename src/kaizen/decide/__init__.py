"""Accept/reject policy, adaptive parameters, false-discovery control."""
