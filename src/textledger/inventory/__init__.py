"""Inventory at cost: cost relief by FIFO lots or moving average, run as a booking step
(costing.py), stock and margins (stock.py), purchase orders and the three-way match
(purchasing.py, which builds on receivables' vendor bills), and the stock count
(count.py). docs/inventory.md is the guide."""
