"""`textledger web` through Flask's test client: every page, every form, and the ways a
request can go wrong (bad input, a forged form, read-only mode, a file outside the journal,
a host that is not this machine)."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from textledger.web import Books, create_app
from textledger.web.navigation import view

REPO = Path(__file__).resolve().parents[2]
LOADING = settings(max_examples=30)
"""For properties whose every example loads a journal (and copies it to check an entry): a few hundred ms each."""
SALES = REPO / "journals" / "2026" / "sales.journal"
TODAY = dt.date(2026, 2, 1)

SMALL = """\
commodity $1,000.00

account Assets:Bank:Checking  ; type: cash
account Assets:Receivable:Acme & Sons
account Income:Design
account Expenses:Meals

2026-01-05 * Acme & Sons | Logo design
    Assets:Receivable:Acme & Sons                  $1,200.00  ; invoice: INV-1
    Income:Design

2026-01-10 * Acme & Sons | Website
    Assets:Receivable:Acme & Sons                    $800.00  ; invoice: INV-2
    Income:Design
"""


def make(tmp_path: Path, text: str = SMALL, **options):
    path = tmp_path / "books.journal"
    path.write_text(text, encoding="utf-8")
    app = create_app(Books([str(path)]), today=lambda: TODAY, **options)
    return app.test_client(), path


def token(client, url: str = "/add") -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found[1]


def errors(page: str, field: str) -> list[str]:
    block = re.search(rf'<ul class="errors" data-field="{re.escape(field)}">(.*?)</ul>', page, re.S)
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", block[1], re.S)] if block else []


# ---------------------------------------------------------------- pages


@pytest.fixture(scope="module")
def studio():
    """The example company's books, read in place (nothing here writes)."""
    app = create_app(Books([str(REPO / "journals" / "studio.journal")]), today=lambda: dt.date(2026, 10, 31))
    return app.test_client()


PAGES = ["/report", "/report?month=2026-05", "/balancesheet", "/balancesheet?p=2026q2&columns=month",
         "/incomestatement?p=2026-03",
         "/incomestatement?p=2026&columns=quarter&depth=2", "/cashflow?p=2026-01..2026-04", "/accounts",
         "/register?account=Assets:Bank:Checking", "/register?account=Income&p=2026q1", "/check", "/aging",
         "/aging?side=payables", "/customer?name=Harbor+%26+Pine+Architects", "/payroll", "/payroll?p=2026q2",
         "/payroll/slip?employee=jane&as_of=2026-06-30", "/stock", "/forecast", "/add", "/payment",
         "/payment?customer=Harbor+%26+Pine+Architects", "/payroll/run"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_of_the_example_company_renders(studio, url):
    response = studio.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    assert "Harbor & Pine" not in page  # the one name with markup in it is always escaped


def test_home_is_the_balance_sheet(studio):
    assert studio.get("/").headers["Location"].endswith("/balancesheet")


def test_a_statement_links_each_account_to_its_register(studio):
    page = studio.get("/balancesheet?p=2026").get_data(as_text=True)
    assert 'href="/register?account=Assets:Bank:Checking&amp;p=..2027-01-01"' in page
    flows = studio.get("/incomestatement?p=2026q2&columns=month").get_data(as_text=True)
    assert "/register?account=Income:Branding&amp;p=2026-04-01..2026-05-01" in flows


def test_the_register_sums_what_the_balance_sheet_shows(studio):
    """The register behind a balance ends on that balance: the link leads to the lines of the total."""
    sheet = studio.get("/balancesheet?p=2026").get_data(as_text=True)
    cell = re.search(r'href="/register\?account=Assets:Bank:Checking&amp;p=..2027-01-01">([^<]+)</a>', sheet)[1]
    register = studio.get("/register?account=Assets:Bank:Checking&p=..2027-01-01").get_data(as_text=True)
    last_total = re.findall(r"<td>([^<]+)</td></tr>", register)[-1]
    assert last_total == cell


def test_a_statement_with_columns_draws_its_totals(studio):
    """Bars per column for each section's total: the month-end pack's SVG chart, its values the totals shown."""
    page = studio.get("/incomestatement?p=2026q3&columns=month").get_data(as_text=True)
    assert page.count("<svg") == 1 and "Income statement: totals per column ($)" in page
    total_revenue = re.search(r'<tr class="total"><td>Total revenue</td>\s*<td>\$([\d,.]+)</td>', page)[1]
    assert f"2026-07 Revenue: {total_revenue}</title>" in page
    assert "<svg" not in studio.get("/incomestatement?p=2026q3").get_data(as_text=True)


def test_the_month_end_pack_is_the_reports(studio, capsys, monkeypatch):
    """Every section of `report --format html`, with its charts, inside the site's page."""
    page = studio.get("/report?month=2026-05").get_data(as_text=True)
    monkeypatch.chdir(REPO)  # the journal named as the site names it: the checklist's evidence shows its path
    _, pack, _ = run(capsys, "-f", str(REPO / "journals" / "studio.journal"), "report", "--month", "2026-05", "-O", "html")
    sections = re.findall(r'<section id=.*?</section>', pack, re.S)
    assert sections and all(section in page for section in sections)
    assert "« 2026-04" in page and "2026-06 »" in page
    assert studio.get("/report?month=2026-13").status_code == 400


def test_a_register_row_leads_to_its_transaction_with_file_and_line(studio):
    register = studio.get("/register?account=Assets:Receivable:Meridian Health Partners").get_data(as_text=True)
    link = html.unescape(re.search(r'href="(/entry\?[^"]+)"', register)[1])
    page = studio.get(link).get_data(as_text=True)
    assert f"{SALES}:19" in page or "opening.journal" in page
    assert 'class="here"' in page and "Meridian Health Partners" in page
    assert "file://" in page  # the file, opened where the browser allows


def test_the_transaction_page_shows_the_lines_as_written(studio):
    page = studio.get(f"/entry?file={SALES}&line=21").get_data(as_text=True)
    assert "2026-01-14 * Meridian Health Partners | ACH payment" in page
    assert f"{SALES}:19" in page
    assert '<span class="here"><span class="no">21</span>' in page


@pytest.mark.parametrize("url, status", [
    (f"/entry?file={SALES}&line=1", 404),  # a comment line, no transaction
    ("/entry?file=/etc/passwd&line=1", 404),
    ("/entry?file=journals/2026/sales.journal&line=21", 404),  # not as the journal names it
    (f"/entry?file={SALES}&line=x", 400),
    ("/source?file=/etc/passwd&line=1", 404),  # only the journal's own files are shown
    ("/balancesheet?p=2026-13", 400),
    ("/balancesheet?columns=fortnight", 400),
    ("/balancesheet?depth=0", 400),
    ("/customer?name=Nobody", 404),
    ("/aging?as_of=yesterday-ish", 400),
    ("/nowhere", 404),
])
def test_bad_requests_get_a_page_that_says_why(studio, url, status):
    response = studio.get(url)
    assert response.status_code == status
    assert 'class="error"' in response.get_data(as_text=True)


def test_period_navigation_moves_by_the_period_shown(studio):
    page = html.unescape(studio.get("/incomestatement?p=2026-03").get_data(as_text=True))
    assert "« 2026-02" in page and "2026-04 »" in page
    assert "p=2026-02" in page and "p=2026-04" in page and "p=2026q1" in page and "p=2026&" in page
    first = html.unescape(studio.get("/incomestatement?p=0100").get_data(as_text=True))
    last = html.unescape(studio.get("/incomestatement?p=9899").get_data(as_text=True))
    assert "« " not in first and "p=0101&" in first and "« 9898" in last and " »" not in last


def test_aging_links_each_customer_to_their_statement_and_open_invoices(studio):
    page = studio.get("/aging?as_of=2026-10-31").get_data(as_text=True)
    link = html.unescape(re.search(r'href="(/customer\?name=Harbor[^"]+)"', page)[1])
    customer = studio.get(link).get_data(as_text=True)
    assert "Open invoices" in customer and "INV-" in customer and "Statement" in customer


def test_a_pay_slip_shows_what_payroll_slip_shows(studio, capsys, monkeypatch):
    """The slip of a recorded run: this run and the year to date, the figures of `payroll slip`."""
    payroll = studio.get("/payroll?p=2026-06").get_data(as_text=True)
    assert 'href="/payroll/slip?employee=jane&amp;as_of=2026-06-30"' in payroll
    page = studio.get("/payroll/slip?employee=jane&as_of=2026-06-30").get_data(as_text=True)
    monkeypatch.chdir(REPO)
    _, out, _ = run(capsys, "-f", "journals/studio.journal", "payroll", "slip", "jane", "--date", "2026-06-30")
    for line in out.splitlines():
        if line.startswith(("Gross pay", "Net pay", "medicare")):
            for figure in line.split()[-2:]:
                assert f"<td>{figure}</td>" in page, line
    assert studio.get("/payroll/slip?employee=jane&as_of=2026-06-29").status_code == 404


@pytest.mark.parametrize("url, status", [
    ("/balancesheet", 200), ("/incomestatement?columns=month", 200), ("/cashflow?p=2026", 200), ("/accounts", 200),
    ("/register?account=Assets", 200), ("/check", 200), ("/aging", 200), ("/payroll", 200), ("/stock", 200),
    ("/add", 200), ("/payment", 200), ("/payroll/run", 200), ("/forecast", 400)])
def test_an_empty_journal_has_pages_too(tmp_path, url, status):
    client, _ = make(tmp_path, "")
    assert client.get(url).status_code == status


def test_an_open_invoice_leads_to_its_document(studio, capsys, monkeypatch):
    """The customer's open invoice opens as the document `invoice show --format html` writes."""
    customer = studio.get("/customer?name=Harbor+%26+Pine+Architects&as_of=2026-10-31").get_data(as_text=True)
    link = html.unescape(re.search(r'href="(/invoice\?number=[^"]+)">document</a>', customer)[1])
    number = re.search(r"number=([^&]+)", link)[1]
    page = studio.get(link).get_data(as_text=True)
    monkeypatch.chdir(REPO)
    _, shown, _ = run(capsys, "-f", "journals/studio.journal", "invoice", "show", number, "--as-of", "2026-10-31", "-O", "html")
    assert page == re.sub(r'<img class="logo"[^>]*>', "", shown)  # the same page, but for a logo the command reads
    assert studio.get("/invoice?number=INV-0000").status_code == 404


def test_check_lists_problems_with_their_lines(tmp_path):
    client, _ = make(tmp_path, SMALL + "\n2026-01-12 Lunch\n    Expenses:Meals  $12.00\n    Expenses:Tips  $2.00\n"
                     "    Assets:Bank:Checking\n")
    assert "No problems" in client.get("/check").get_data(as_text=True)
    strict, _ = make(tmp_path, (tmp_path / "books.journal").read_text(), strict=True)
    page = html.unescape(strict.get("/check").get_data(as_text=True))
    assert "Expenses:Tips" in page and "books.journal:18:1" in page


def test_the_loading_options_apply(tmp_path):
    """`--alias` and `--no-auto` read the journal as for every other command."""
    path = tmp_path / "books.journal"
    path.write_text(SMALL + "\n= Income\n    (Liabilities:Tax)  0.1\n")
    plain = create_app(Books([str(path)])).test_client().get("/accounts").get_data(as_text=True)
    assert "Liabilities:Tax" in plain
    from textledger.core.aliases import make_alias

    renamed = create_app(Books([str(path)], aliases=(make_alias("Income:Design", "Income:Studio", False),), auto=False))
    page = renamed.test_client().get("/accounts").get_data(as_text=True)
    assert "Studio" in page and "Design" not in page and "Liabilities:Tax" not in page


def test_a_journal_that_does_not_load_shows_its_errors(tmp_path):
    client, path = make(tmp_path, SMALL + "\n2026-01-12 Lunch\n    Expenses:Meals  $12.00\n    Assets:Bank:Checking  $-10.00\n")
    response = client.get("/balancesheet")
    assert response.status_code == 500
    page = html.unescape(response.get_data(as_text=True))
    assert "does not balance" in page and f"{path}:16" in page
    path.write_text(SMALL)
    assert client.get("/balancesheet").status_code == 200  # fixed in the editor: shown on the next view


def test_the_page_follows_the_file_when_it_changes(tmp_path):
    client, path = make(tmp_path)
    assert "$2,000.00" in client.get("/accounts").get_data(as_text=True)
    path.write_text(SMALL.replace("$800.00", "$900.00"))
    assert "$2,100.00" in client.get("/accounts").get_data(as_text=True)


def test_a_new_file_matching_an_include_glob_is_read(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "february.journal").write_text("")
    client, _ = make(tmp_path, SMALL + "\ninclude parts/*.journal\n")
    assert "Expenses:Meals" not in client.get("/accounts").get_data(as_text=True)
    (tmp_path / "parts" / "march.journal").write_text("2026-03-02 Lunch\n    Expenses:Meals  $12.00\n    Assets:Bank:Checking\n")
    assert "Expenses:Meals" in client.get("/accounts").get_data(as_text=True)


@LOADING
@given(st.lists(st.integers(100, 999), min_size=1, max_size=4))
def test_every_edit_shows_even_within_one_clock_tick(tmp_path_factory, amounts):
    """Edits of the same size within one tick of the file system's clock leave the same
    size and time: the page still shows the last one, however long after (books.py, RACY)."""
    client, path = make(tmp_path_factory.mktemp("books"))
    stamp = time.time_ns()
    os.utime(path, ns=(stamp, stamp))  # written just now, in the tick the page is then loaded in
    client.get("/accounts")
    for amount in amounts:
        path.write_text(SMALL.replace("$800.00", f"${amount}.00"))
        os.utime(path, ns=(stamp, stamp))  # as if written within the same tick of the clock
        assert f"${1200 + amount:,}.00" in client.get("/accounts").get_data(as_text=True)


HOSTILE = """\
account Assets:Bank:<script>alert(1)</script>

2026-01-05 * <b>Bold</b> & "quoted" | <img src=x onerror=alert(2)>
    Assets:Bank:<script>alert(1)</script>  $5.00  ; note: <i>x</i>
    Income:"><svg onload=alert(3)>
"""


@pytest.mark.parametrize("url, shown", [
    ("/balancesheet", "&lt;script&gt;"), ("/incomestatement", "&#34;&gt;&lt;svg"), ("/cashflow", "&lt;script&gt;"),
    ("/accounts", "&lt;script&gt;"), ("/register?account=Assets", "&lt;b&gt;Bold"),
    ("/entry?file={path}&line=3", "&lt;img"), ("/source?file={path}&line=4", "&lt;i&gt;x"),
    ("/add", "&lt;b&gt;Bold"), ("/forecast?as_of=2026-01-06", "&lt;script&gt;"), ("/check", "No problems"),
    ("/report?month=2026-01", "&lt;script&gt;")])
def test_text_from_the_journal_is_escaped_everywhere(tmp_path, url, shown):
    client, path = make(tmp_path, HOSTILE)
    page = client.get(url.format(path=path)).get_data(as_text=True)
    for raw in ("<script>", "<b>Bold", "<img", "<svg onload", "<i>x"):
        assert raw not in page, (url, raw)
    assert shown in page


def test_no_page_can_be_framed_or_load_from_elsewhere(tmp_path):
    """A click on Write cannot be stolen through a frame; nothing is loaded from another site, and no script runs."""
    client, _ = make(tmp_path)
    for url in ("/balancesheet", "/add", "/nowhere"):
        headers = client.get(url).headers
        assert headers["X-Frame-Options"] == "DENY"
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy and "script-src" not in policy


def test_only_local_host_names_are_served(tmp_path):
    client, _ = make(tmp_path)
    assert client.get("/accounts", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    assert client.get("/accounts", headers={"Host": "attacker.example"}).status_code == 400


# ---------------------------------------------------------------- adding a transaction


def add_form(client, **fields):
    form = {"csrf_token": token(client), "date": "2026-01-20", "description": "Café Nord | lunch",
            "account-0": "Expenses:Meals", "amount-0": "$12.50", "account-1": "Assets:Bank:Checking", "action": "write"}
    form.update(fields)
    return client.post("/add", data={k: v for k, v in form.items() if v is not None})


def test_preview_shows_the_entry_and_writes_nothing(tmp_path):
    client, path = make(tmp_path)
    response = add_form(client, action="preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2026-01-20 Café Nord | lunch\n    Expenses:Meals" in html.unescape(page)
    assert 'id="write"' in page
    assert path.read_text() == SMALL


def test_a_written_transaction_is_in_the_file_canonical_and_clean(tmp_path, capsys):
    client, path = make(tmp_path)
    response = add_form(client, comment="receipt: 118")
    assert response.status_code == 200 and 'id="written"' in response.get_data(as_text=True)
    text = path.read_text()
    assert text.startswith(SMALL) and "2026-01-20 Café Nord | lunch  ; receipt: 118\n    Expenses:Meals" in text
    assert run(capsys, "-f", str(path), "check")[0] == 0
    assert run(capsys, "-f", str(path), "fmt", "--check")[0] == 0
    assert "$-12.50" in client.get("/register?account=Assets:Bank").get_data(as_text=True)  # shown at once


def test_an_unbalanced_entry_is_never_written(tmp_path):
    client, path = make(tmp_path)
    response = add_form(client, **{"amount-1": "$-10.00"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "does not balance" in " ".join(errors(page, "entry"))
    assert 'id="write"' not in page
    assert path.read_text() == SMALL


def test_errors_are_shown_next_to_their_field(tmp_path):
    client, path = make(tmp_path)
    page = add_form(client, date="2026-02-30", description="", **{"amount-1": "12 dollars", "account-2": "Bad  Name"}
                    ).get_data(as_text=True)
    assert errors(page, "date") and errors(page, "description") == ["required"]
    assert any("two spaces" in message for message in errors(page, "posting-2"))
    page = add_form(client, description="Lunch ; with the team").get_data(as_text=True)
    assert errors(page, "description")[0].startswith("it would be read as 'Lunch'")
    page = add_form(client, **{"amount-1": "$1.2.3"}).get_data(as_text=True)
    assert errors(page, "posting-1"), page  # the parser's message, at the posting that holds it
    assert path.read_text() == SMALL


def test_strict_mode_refuses_an_undeclared_account_at_its_posting(tmp_path):
    client, path = make(tmp_path, strict=True)
    page = add_form(client, **{"account-0": "Expenses:Meels"}).get_data(as_text=True)
    assert errors(page, "posting-0") == [
        "account 'Expenses:Meels' is not declared: add `account Expenses:Meels` first (--strict)"]
    assert path.read_text() == SMALL
    (tmp_path / "loose").mkdir()
    loose, _ = make(tmp_path / "loose")
    assert 'id="written"' in add_form(loose, **{"account-0": "Expenses:Meels"}).get_data(as_text=True)


def test_a_forged_form_without_the_token_is_refused(tmp_path):
    client, path = make(tmp_path)
    for forged in (None, "guessed"):
        response = add_form(client, csrf_token=forged)
        assert response.status_code == 400
    assert path.read_text() == SMALL


def test_another_server_has_another_token(tmp_path):
    first, _ = make(tmp_path)
    second, path = make(tmp_path)
    assert add_form(second, csrf_token=token(first)).status_code == 400
    assert path.read_text() == SMALL


def test_only_the_journals_own_files_can_be_written(tmp_path):
    client, path = make(tmp_path)
    outside = tmp_path / "elsewhere.journal"
    outside.write_text("")
    for target in (str(outside), "/etc/passwd", "../books.journal"):
        response = add_form(client, file=target)
        assert response.status_code == 400 and "not one of the journal's files" in html.unescape(response.get_data(as_text=True))
    assert outside.read_text() == "" and path.read_text() == SMALL


def test_an_included_file_can_be_chosen(tmp_path):
    (tmp_path / "january.journal").write_text("")
    client, path = make(tmp_path, SMALL + "\ninclude january.journal\n")
    included = str(tmp_path / "january.journal")
    assert included in client.get("/add").get_data(as_text=True)
    assert add_form(client, file=included).status_code == 200
    assert "Café Nord" in Path(included).read_text() and "Café Nord" not in path.read_text()


def test_read_only_refuses_every_write_and_hides_the_forms(tmp_path):
    client, path = make(tmp_path, read_only=True)
    assert 'href="/add"' not in client.get("/balancesheet").get_data(as_text=True)
    for url in ("/add", "/payment", "/payroll/run"):
        assert client.get(url).status_code == 403
        assert client.post(url, data={"date": "2026-01-20"}).status_code == 403
    assert path.read_text() == SMALL


def test_a_write_checks_against_the_journal_as_it_is_then(tmp_path):
    """The page was computed from one journal; if the file changed under it, the write
    is checked against the new one (still balanced, still loads) and lands after it."""
    client, path = make(tmp_path)
    form_token = token(client)
    path.write_text(SMALL + "\n2026-01-15 Extra\n    Expenses:Meals  $1.00\n    Assets:Bank:Checking\n")
    response = add_form(client, csrf_token=form_token)
    assert response.status_code == 200
    text = path.read_text()
    assert text.index("Extra") < text.index("Café Nord")
    assert len(textledger.load(path).transactions) == 4


# ---------------------------------------------------------------- a customer payment


def test_a_payment_settles_the_chosen_invoices(tmp_path, capsys):
    client, path = make(tmp_path)
    page = client.post("/payment", data={"csrf_token": token(client), "customer": "Acme & Sons",
                                         "action": "choose"}).get_data(as_text=True)
    assert re.findall(r'name="invoice" value="([^"]+)"', page) == ["INV-1", "INV-2"]
    response = client.post("/payment", data={"csrf_token": token(client), "customer": "Acme & Sons", "date": "2026-01-30",
                                             "bank": "Assets:Bank:Checking", "description": "ACH payment",
                                             "invoice": ["INV-2", "INV-1"], "amount-INV-1": "200", "amount-INV-2": "800.00",
                                             "action": "write"})
    assert response.status_code == 200, response.get_data(as_text=True)
    added = path.read_text()[len(SMALL):]
    assert added == ("\n2026-01-30 * Acme & Sons | ACH payment\n"
                     "    Assets:Bank:Checking                           $1,000.00\n"
                     "    Assets:Receivable:Acme & Sons                   $-800.00  ; invoice: INV-2\n"
                     "    Assets:Receivable:Acme & Sons                   $-200.00  ; invoice: INV-1\n")
    assert run(capsys, "-f", str(path), "check")[0] == 0 and run(capsys, "-f", str(path), "fmt", "--check")[0] == 0
    page = client.get("/customer?name=Acme+%26+Sons").get_data(as_text=True)
    assert "INV-2</a>" not in page and "$1,000.00" in page  # INV-2 paid, INV-1 open for the rest


def test_a_payment_cannot_overpay_or_name_another_invoice(tmp_path):
    client, path = make(tmp_path)
    form = {"csrf_token": token(client), "customer": "Acme & Sons", "date": "2026-01-30", "bank": "Assets:Bank:Checking",
            "invoice": ["INV-1"], "amount-INV-1": "1300", "action": "write"}
    page = client.post("/payment", data=form).get_data(as_text=True)
    assert errors(page, "invoice-INV-1") == ["more than is open ($1,200.00)"]
    page = client.post("/payment", data={**form, "invoice": ["INV-9"]}).get_data(as_text=True)
    assert "INV-9 is not an open invoice of Acme & Sons" in errors(page, "entry")
    page = client.post("/payment", data={**form, "invoice": []}).get_data(as_text=True)
    assert "choose the invoices this payment settles" in errors(page, "entry")
    assert client.post("/payment", data={**form, "customer": "Nobody"}).status_code == 400
    assert path.read_text() == SMALL


# ---------------------------------------------------------------- a pay run


PAYROLL = SMALL + """
account Expenses:Payroll:Wages
account Liabilities:Payroll:Income Tax

deduction income-tax
    rate 10%
    liability Liabilities:Payroll:Income Tax

employee ada "Ada Lovelace"
    salary 60000 USD per year
    schedule monthly
    deductions income-tax
    expense Expenses:Payroll:Wages
    pay-from Assets:Bank:Checking
"""


def test_running_payroll_writes_the_runs_once(tmp_path, capsys):
    client, path = make(tmp_path, PAYROLL.replace("USD", "$").replace("60000 $", "$60,000.00"))
    before = path.read_text()
    form = {"csrf_token": token(client), "date": "2026-01-30", "action": "preview"}
    page = html.unescape(client.post("/payroll/run", data=form).get_data(as_text=True))
    assert "2026-01-30 * Ada Lovelace | Pay for 2026-01-01 to 2026-01-31  ; payroll: ada" in page
    assert path.read_text() == before
    assert 'id="written"' in client.post("/payroll/run", data={**form, "action": "write"}).get_data(as_text=True)
    assert "payroll: ada" in path.read_text()[len(before):]
    assert run(capsys, "-f", str(path), "check")[0] == 0
    again = client.post("/payroll/run", data={**form, "action": "write"}).get_data(as_text=True)
    assert errors(again, "date") == ["ada is already paid on 2026-01-30"]
    nobody = client.post("/payroll/run", data={**form, "date": "2026-01-29"}).get_data(as_text=True)
    assert errors(nobody, "date") == ["nobody is paid on 2026-01-29"]


def test_an_hourly_employee_needs_the_hours_worked(studio):
    """The example company pays Sam by the hour: the run asks for his hours (nothing is written by a preview)."""
    form = {"csrf_token": token(studio), "date": "2026-11-13", "action": "preview"}
    page = studio.post("/payroll/run", data=form).get_data(as_text=True)
    assert 'id="hours-sam"' in page
    assert errors(page, "hours-sam") == ["sam is paid by the hour: write the hours worked (80, or 44+41 for each week)"]
    page = studio.post("/payroll/run", data={**form, "hours-sam": "40+x"}).get_data(as_text=True)
    assert errors(page, "hours-sam") == ["'40+x' is not a number of hours: write e.g. 80, or 44+41 for each week"]
    page = html.unescape(studio.post("/payroll/run", data={**form, "hours-sam": "40+42"}).get_data(as_text=True))
    assert "payroll: sam, hours: 40+42" in page and "payroll: jane" in page and 'id="write"' in page


def test_payroll_without_employees_says_so(tmp_path):
    client, _ = make(tmp_path)
    page = client.post("/payroll/run", data={"csrf_token": token(client), "date": "2026-01-30"}).get_data(as_text=True)
    assert errors(page, "entry") == ["the journal defines no employees (see docs/payroll.md)"]


# ---------------------------------------------------------------- the command


def test_the_command_refuses_standard_input_and_a_bad_port(capsys):
    code, _, err = run(capsys, "-f", "-", "web")
    assert code == 2 and "give files, not standard input" in err
    code, _, err = run(capsys, "-f", "journals/studio.journal", "web", "--port", "70000")
    assert code == 2 and "write a port from 0 to 65535" in err


def test_the_command_says_where_it_listens_and_serves_there(tmp_path):
    """`web --port 0` binds a free port of 127.0.0.1, prints its address, and serves the books there."""
    path = tmp_path / "books.journal"
    path.write_text(SMALL)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen([sys.executable, "-m", "textledger", "-f", str(path), "web", "--port", "0", "--read-only"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = server.stdout.readline()
        found = re.fullmatch(r"textledger web: serving (.+) at (http://127\.0\.0\.1:\d+/) \(this machine only, read-only\);"
                             r" Ctrl-C stops it\n", line)
        assert found and found[1] == str(path), line
        with urllib.request.urlopen(found[2] + "accounts", timeout=10) as response:
            assert "Acme &amp; Sons" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)


# ---------------------------------------------------------------- properties


@LOADING
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_any_description_is_escaped_and_written_as_given_or_refused(tmp_path_factory, description):
    """Whatever is typed, the page shows it escaped, and what would be written reads back
    as the same description (or the form says why it cannot be)."""
    client, path = make(tmp_path_factory.mktemp("books"))
    response = add_form(client, description=description, action="preview")
    page = response.get_data(as_text=True)
    if description.strip() and response.status_code == 200:
        shown = re.search(r'<pre class="entry" id="preview">(.*?)</pre>', page, re.S)[1]
        assert "<" not in shown  # escaped: no markup of the user's
        assert textledger.loads(html.unescape(shown)).transactions[0].description == description.strip()
    else:
        assert response.status_code == 422
    assert path.read_text() == SMALL


@given(st.dates(dt.date(101, 1, 1), dt.date(9898, 12, 31)), st.sampled_from(["month", "quarter", "year"]))
def test_the_period_links_step_back_and_forth(day, unit):
    """From any month, quarter or year, "previous" then "next" is the same period again."""
    from textledger.core.periods import Interval, advance, start_of
    from textledger.web.navigation import period_text

    start = start_of(day, unit)
    text = period_text(start, advance(start, Interval(unit)))
    back = view(text, "", [], day).links[0]
    assert back.text.startswith("«")
    forth = view(back.period, "", [], day).links[-2]
    assert forth.period == text
    assert view(forth.period, "", [], day).columns == view(text, "", [], day).columns


FIELDS = {"/add": ["date", "status", "code", "description", "comment", "account-0", "amount-0", "note-0", "account-1",
                   "amount-1", "file", "rows"],
          "/payment": ["customer", "date", "bank", "description", "invoice", "amount-INV-1", "file"],
          "/payroll/run": ["date", "hours-ada", "file"]}


@LOADING
@given(st.sampled_from(sorted(FIELDS)), st.data())
def test_no_form_input_breaks_a_page(tmp_path_factory, url, data):
    """Whatever a form sends, the answer is a page (an error next to a field, or a refusal), never a crash."""
    client, path = make(tmp_path_factory.mktemp("books"), PAYROLL.replace("60000 USD", "$60,000.00"))
    before = path.read_text()
    likely = st.sampled_from(["", "2026-01-30", "Acme & Sons", "INV-1", "$5", "Assets:Bank:Checking"])
    text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
    form = {name: data.draw(st.one_of(text, likely), label=name)
            for name in data.draw(st.lists(st.sampled_from(FIELDS[url]), unique=True), label="fields")}
    form.update(csrf_token=token(client), action=data.draw(st.sampled_from(["preview", "write", "choose"]), label="action"))
    response = client.post(url, data=form)
    assert response.status_code in (200, 400, 422), response.get_data(as_text=True)
    if response.status_code != 200 or 'id="written"' not in response.get_data(as_text=True):
        assert path.read_text() == before
    else:
        assert textledger.load(path) is not None


QUERIES = {"/balancesheet": ["p", "columns", "depth"], "/cashflow": ["p", "columns", "depth"], "/register": ["account", "p"],
           "/entry": ["file", "line"], "/source": ["file", "line"], "/aging": ["as_of", "side"],
           "/customer": ["name", "as_of", "side"], "/invoice": ["number", "as_of"], "/payroll": ["p"],
           "/payroll/slip": ["employee", "as_of"], "/stock": ["as_of"], "/forecast": ["as_of"], "/report": ["month"],
           "/add": ["rows"], "/payment": ["customer"]}


@LOADING
@given(st.sampled_from(sorted(QUERIES)), st.data())
def test_no_address_breaks_a_page(tmp_path_factory, url, data):
    """Whatever the address asks, the answer is a page or a refusal that says why, never a crash."""
    client, _ = make(tmp_path_factory.mktemp("books"))
    likely = st.sampled_from(["", "2026", "2026q1", "2026-01", "..2026-02", "month", "2", "Assets", "Acme & Sons", "INV-1",
                              "1", "8", "payables", "0", "-1", "9999"])
    text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=15)
    query = {name: data.draw(st.one_of(likely, text), label=name)
             for name in data.draw(st.lists(st.sampled_from(QUERIES[url]), unique=True), label="names")}
    response = client.get(url, query_string=query)
    assert response.status_code in (200, 302, 400, 404), response.get_data(as_text=True)
