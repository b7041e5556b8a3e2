"""The application: `create_app(books, ...)`, with every page of browse.py and enter.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask

from textledger.web import browse, enter
from textledger.web.app import LOOPBACK, Settings, configure
from textledger.web.books import Books


def create_app(books: Books, *, read_only: bool = False, strict: bool = False,
               today: Callable[[], dt.date] = dt.date.today, hosts: tuple[str, ...] | None = LOOPBACK) -> Flask:
    """The web view of `books`. `hosts`: the host names requests may name (None: any, for a
    server bound to a non-loopback address on purpose); `today` decides the default dates."""
    app = Flask("textledger.web", static_folder=None)
    configure(app, Settings(books, read_only, strict, today), hosts)
    browse.add_routes(app)
    enter.add_routes(app)
    return app
