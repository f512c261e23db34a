"""Locust users of the kit: an abstract portal user and the personas built on it."""
