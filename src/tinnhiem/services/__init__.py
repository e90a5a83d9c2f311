"""Use cases: one function, one transaction. Storage is reached through ``ports``."""
