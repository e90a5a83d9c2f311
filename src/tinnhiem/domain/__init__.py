"""The rules of a confidence vote. Pure: standard library only (docs/architecture.md)."""
