"""Report data written out: aligned text tables, CSV and JSON (tables.py), the month-end
pack as text and Markdown (pack.py), and printable HTML pages with SVG charts (html.py)."""
