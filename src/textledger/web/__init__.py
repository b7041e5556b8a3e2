"""`textledger web`: the books in a browser, served from this machine.

Flask (server-rendered HTML from Jinja2 templates, which escape every value; no
JavaScript build chain). `site.py` builds the application, `app.py` holds its safety rules (CSRF,
local hosts, read-only); `books.py` keeps the journal loaded and loads it again when a file
changes; `browse.py` has the report pages, `enter.py` the forms that write (through
io/entries.py, which turns fields into checked journal text and appends it). docs/web.md is the guide.
"""

from textledger.web.books import Books
from textledger.web.site import create_app

__all__ = ["Books", "create_app"]
