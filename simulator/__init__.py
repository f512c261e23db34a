"""The national portal sandbox: Vietnam's public service portal and ministry systems, imitated."""

__version__ = "0.1.0"
