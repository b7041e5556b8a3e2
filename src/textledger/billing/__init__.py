"""Billing: the company and customer details, sales-tax codes, invoices as entries and as
documents (docs/billing.md). Pure functions over a Journal; the data lives in tags on
`account` declarations, so the journal stays one that ledger and hledger read unchanged."""
