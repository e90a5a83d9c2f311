"""The hall's web app: one server on the local network serves every role (docs/operations.md)."""
