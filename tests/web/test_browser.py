"""The web view in a real browser (headless Chromium, see browser.py): from the balance
sheet through an account's register to a transaction, then a payment recorded with the
form; the journal then holds the entry, `fmt --check` and `check` are clean."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.cli_run import run
from tests.conftest import tool
from tests.web.browser import Browser
from tests.web.test_server import SMALL
from textledger.web import Books, create_app


@pytest.fixture
def served(tmp_path: Path):
    """The books of a small journal served on a free port of this machine, in a thread."""
    path = tmp_path / "books.journal"
    path.write_text(SMALL, encoding="utf-8")
    app = create_app(Books([str(path)]), today=lambda: dt.date(2026, 2, 1))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", path
    server.shutdown()
    thread.join()


@pytest.fixture
def browser():
    opened = Browser(tool("chromium", "chromium-browser"))
    yield opened
    opened.close()


def test_from_the_balance_sheet_to_a_transaction_then_a_payment(served, browser, capsys):
    site, path = served
    browser.open(f"{site}/balancesheet")
    assert "Total assets" in browser.text()

    browser.click('a[href^="/register?account=Assets:Receivable:Acme"]')
    assert browser.run("document.querySelector('h1').innerText") == "Register: Assets:Receivable:Acme & Sons"
    assert "Website" in browser.text()

    browser.click('a[href^="/entry?"]')
    page = browser.text()
    assert f"{path}:8" in page and "Logo design" in page  # the transaction, at its file and line

    browser.open(f"{site}/payment")
    browser.run("document.querySelector('#customer').value = 'Acme & Sons'")
    browser.click('button[value="choose"]')
    browser.fill("#date", "2026-01-30")
    browser.run("document.querySelector('input[name=invoice][value=\"INV-1\"]').checked = true")
    browser.click('button[value="preview"]')
    assert "It will be written to" in browser.text()
    assert path.read_text() == SMALL  # a preview writes nothing

    browser.click("#write")
    assert "Written to" in browser.text()
    added = path.read_text()[len(SMALL):]
    assert added == ("\n2026-01-30 * Acme & Sons | Payment\n"
                     "    Assets:Bank:Checking                           $1,200.00\n"
                     "    Assets:Receivable:Acme & Sons                 $-1,200.00  ; invoice: INV-1\n")
    assert run(capsys, "-f", str(path), "fmt", "--check")[0] == 0
    assert run(capsys, "-f", str(path), "check")[0] == 0

    browser.open(f"{site}/aging?as_of=2026-02-01")
    assert "$800.00" in browser.text() and "$2,000.00" not in browser.text()
