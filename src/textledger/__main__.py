"""`python -m textledger` runs the report command."""

from textledger.cli.main import run

run()
