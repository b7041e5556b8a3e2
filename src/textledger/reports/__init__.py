"""Reports over a loaded Journal: balances, register, statements, budgets, closing,
valuation and cost, the balance diff between two journals, and the month-end pack's data.
Pure functions returning plain data; render/ writes them as text, CSV, JSON or HTML."""
