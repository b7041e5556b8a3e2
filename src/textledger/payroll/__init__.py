"""Payroll: the rules as data (`deduction`, `employee`: rules.py), pay slips and runs
(slips.py), the payroll reports and the reconciliation `check` runs (reports.py), and the
month-end pack's payroll section (monthend.py). docs/payroll.md is the guide."""
