"""`python -m textledger` runs the report command."""

from .cli import main

raise SystemExit(main())
