"""The sandbox's own control API under `/sandbox/...` (admin token): faults, scenarios, clock, journal, reset."""
