"""textledger's tests: one folder per package of src/textledger (docs/architecture.md)."""
