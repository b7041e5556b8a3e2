"""Cash: bank CSV statements and their rules (bankcsv.py), import (importer.py), matching
statement lines to postings (matching.py), reconciliation and what `--apply` changes
(reconcile.py, clearing.py), the check register (checkregister.py), the 13-week forecast
(forecast.py). Builds on receivables and payroll for the forecast. docs/cash.md is the guide."""
