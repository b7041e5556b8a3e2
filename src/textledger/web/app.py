"""What every page shares: the settings, the journal for each request, CSRF, errors.

`site.create_app(books, ...)` builds the application with `configure` below; `browse.py`
adds the pages that show reports and `enter.py` the forms that write. Safety is here, in
one place:

- **CSRF**: every form carries a token made from a secret of this process
  (`secrets.token_urlsafe`); a POST without it, or with another, is refused (400) before
  any view runs. A page of another site cannot read the token, so it cannot forge a form.
- **Hosts**: bound to a loopback address, only requests naming a local host are served
  (Flask's TRUSTED_HOSTS): a web page that points its own host name at 127.0.0.1 (DNS
  rebinding) gets 400, not the books.
- **Framing**: no page may be shown inside another site's frame (X-Frame-Options, CSP
  frame-ancestors), where a click could be stolen for the Write button; no script, style
  or image is loaded from elsewhere (CSP), and no page's address is sent on (Referrer-Policy).
- **Read-only** (`--read-only`): every POST is 403 and the forms are not shown.
- **Escaping**: Jinja2 escapes every value in the templates; the only markup put in
  unescaped is what render/html.py drew (it escapes every text from the journal).
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import secrets
from collections.abc import Callable
from typing import Any

import attrs
from flask import Flask, Response, abort, render_template, request
from markupsafe import Markup, escape
from werkzeug.exceptions import SecurityError

from textledger.core.amounts import exact
from textledger.render.html import STYLE
from textledger.web.books import Books

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@attrs.frozen
class Settings:
    """How this server was started."""

    books: Books
    read_only: bool = False
    strict: bool = False
    today: Callable[[], dt.date] = dt.date.today
    token: str = attrs.field(factory=lambda: secrets.token_urlsafe(32))


def settings() -> Settings:
    from flask import current_app

    found: Settings = current_app.extensions["textledger"]
    return found


def configure(app: Flask, settings_: Settings, hosts: tuple[str, ...] | None) -> None:
    """The settings, the safety rules and the shared page parts, on a new application."""
    app.extensions["textledger"] = settings_
    if hosts is not None:
        app.config["TRUSTED_HOSTS"] = list(hosts)
    app.jinja_env.globals.update(style=Markup(f"<style>{STYLE}{WEB_STYLE}</style>"))
    app.before_request(_refuse_forged_posts)
    app.after_request(_guarded)
    app.context_processor(_page_context)
    for code in (400, 403, 404):
        app.errorhandler(code)(_error_page)


def _refuse_forged_posts() -> None:
    if request.method != "POST":
        return
    site = settings()
    if site.read_only:
        abort(403, "this server is read-only (--read-only): nothing can be written")
    sent = request.form.get("csrf_token", "")
    if not hmac.compare_digest(sent.encode(), site.token.encode()):
        abort(400, "the form's token is missing or wrong: reload the page and send the form again")


POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none';"
          " base-uri 'none'")
"""What a page may load: its own inline style and data images, nothing else; no script at all."""


def _guarded(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page_context() -> dict[str, Any]:
    site = settings()
    return {"csrf_token": site.token, "read_only": site.read_only, "files": site.books.files}


def _error_page(error: Any) -> tuple[str, int]:
    if isinstance(error, SecurityError):  # a host not served: no page of the site, not even its links
        return escape(f"{error.name}: {error.description}"), error.code
    return render_template("error.html", title=error.name, message=error.description), error.code


def journal_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view given the journal as it is now (loaded again if a file changed), computing in
    its exact decimal context; when the journal does not load, the page of its problems."""
    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        loaded = settings().books.load()
        if loaded.journal is None:
            return render_template("broken.html", title="The journal does not load", problems=loaded.problems), 500
        with exact(loaded.journal):
            return view(loaded.journal, *args, **kwargs)
    return run


WEB_STYLE = """
nav { background: var(--ink); padding: 6px 32px; display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; }
nav a { color: #fff; text-decoration: none; font-weight: 600; }
nav a.here { text-decoration: underline; }
nav .files { color: #aab3bc; margin-left: auto; font-size: 12px; }
nav .sep { color: #5d6670; }
a { color: #245b9e; }
main td { white-space: pre; }
td a { color: inherit; text-decoration: none; border-bottom: 1px dotted #8a939c; }
td a:hover { color: #245b9e; }
.periods { margin: 0 0 14px; display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; }
.periods a.current { font-weight: 700; color: var(--ink); text-decoration: none; }
form.inline { display: inline-flex; gap: 6px; align-items: center; }
pre.entry { background: var(--head); border: 1px solid var(--rule); padding: 8px 12px; overflow-x: auto; }
pre.entry .no { color: var(--muted); user-select: none; display: inline-block; min-width: 3.5em; }
pre.entry .here { background: #fff3c4; display: block; }
.error { color: var(--bad); font-weight: 600; }
ul.errors { color: var(--bad); margin: 2px 0 6px; padding-left: 18px; }
label { display: inline-block; min-width: 8em; }
input[type=text], input[type=date], select { font: inherit; padding: 2px 4px; }
input.account { width: 26em; } input.amount { width: 10em; }
.ok { color: var(--good); font-weight: 600; }
fieldset { border: 1px solid var(--rule); margin: 0 0 12px; }
button { font: inherit; padding: 3px 12px; }
"""
