"""Billing: details as account tags, `invoice new` and `invoice show`, the billing check."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.conftest import tool
from textledger.billing.details import read_details
from textledger.billing.invoices import InvoiceLine, invoice_transaction, invoices, parse_line, taxes_for
from textledger.billing.statements import statements_for_all
from textledger.core.printer import format_entry

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "journals" / "billing-demo.journal"

DETAILS = """\
commodity $1,000.00

account Assets:Receivable                        ; company: Acme Design & Co
    ; address: 1 Main St, Suite 2
    ; address: Springfield, OR 97477
    ; email: billing@acme.test
    ; taxid: 12-3456789
    ; sequence: INV-0100
    ; pay: ACH to Example Bank, routing 000000000, account 123

account Assets:Receivable:Beta Books             ; terms: net15, email: ap@beta.test
    ; address: 9 Elm Rd, Unit 4
account Assets:Receivable:School District        ; salestax: exempt
account Liabilities:Sales Tax:State              ; taxcode: st, type: liability
    ; rate: 10%
    ; rate: 8.5% from 2026-04-01
account Income:Print
account Income:Design
account Assets:Bank
"""


def _journal_file(tmp_path: Path, body: str = "") -> Path:
    path = tmp_path / "books.journal"
    path.write_text(DETAILS + body, encoding="utf-8")
    return path


def _errors(text: str) -> list[str]:
    return [f"{p.line}:{p.column}: {p.message}" for p in textledger.check(textledger.loads(text, "books.journal"))]


# ---------------------------------------------------------------- details


def test_details_are_read_from_account_tags():
    details, problems = read_details(textledger.loads(DETAILS))
    assert problems == []
    assert details.company is not None
    assert details.company.name == "Acme Design & Co"
    assert details.company.address == ("1 Main St, Suite 2", "Springfield, OR 97477")  # whole lines, commas kept
    assert details.company.pay == ("ACH to Example Bank, routing 000000000, account 123",)
    beta = details.customer("Beta Books")
    assert beta is not None and beta.email == "ap@beta.test" and beta.address == ("9 Elm Rd, Unit 4",) and not beta.exempt
    assert details.customer("School District").exempt  # type: ignore[union-attr]
    code = details.taxcode("st")
    assert code is not None and code.account == "Liabilities:Sales Tax:State"
    assert code.rate_on(dt.date(2026, 3, 31)) == Decimal("0.10")
    assert code.rate_on(dt.date(2026, 4, 1)) == Decimal("0.085")


@pytest.mark.parametrize(("declaration", "expected"), [
    ("account Liabilities:Tax:X  ; taxcode: x\n    ; rate: ten percent\n",
     "3:7: rate 'ten percent': write a percentage, e.g. `rate: 10.25%`, or a later one `rate: 10.35% from 2026-04-01`"),
    ("account Liabilities:Tax:X  ; taxcode: x\n    ; rate: 1e999999999%\n",  # read as a Decimal, it overflowed
     "3:7: rate '1e999999999%': write a percentage, e.g. `rate: 10.25%`, or a later one `rate: 10.35% from 2026-04-01`"),
    ("account Liabilities:Tax:X  ; taxcode: x\n    ; rate: NaN%\n",
     "3:7: rate 'NaN%': write a percentage, e.g. `rate: 10.25%`, or a later one `rate: 10.35% from 2026-04-01`"),
    ("account Liabilities:Tax:X  ; taxcode: x\n",
     "2:30: tax code 'x' has no rate: add a comment line `; rate: 10.25%` under the account"),
    ("account Assets:Receivable:Y  ; salestax: sometimes\n", "2:32: salestax 'sometimes': the only value is `salestax: exempt`"),
])
def test_details_that_do_not_read_are_errors_at_their_line(declaration, expected):
    assert _errors("; books\n" + declaration) == [expected]


# ---------------------------------------------------------------- invoice new


def test_invoice_new_prints_a_balanced_entry_with_tax_and_line_detail(tmp_path, capsys):
    path = _journal_file(tmp_path)
    code, out, err = run(capsys, "-f", path, "invoice", "new", "beta", "--date", "2026-03-02",
                         "--line", "Poster print run 20 $12.50 tax st Income:Print",
                         "--line", "Poster design 1 $600 Income:Design")
    assert (code, err) == (0, "")
    assert out == (
        "2026-03-02 * (INV-0100) Beta Books | Invoice INV-0100  ; invoice: INV-0100, due: 2026-03-17\n"
        "    Assets:Receivable:Beta Books                     $875.00\n"
        "    Income:Print                                    $-250.00"
        "  ; line: Poster print run, qty: 20, price: $12.50, tax: st\n"
        "    Income:Design                                   $-600.00  ; line: Poster design, qty: 1, price: $600.00\n"
        "    Liabilities:Sales Tax:State                      $-25.00  ; tax: st, taxable: $250.00\n")
    books = textledger.loads(DETAILS + "\n" + out)
    assert textledger.check(books) == []


def test_invoice_new_uses_the_rate_in_force_and_no_tax_for_an_exempt_customer(tmp_path, capsys):
    path = _journal_file(tmp_path)
    _, out, _ = run(capsys, "-f", path, "invoice", "new", "Beta Books", "--date", "2026-04-01",
                    "--line", "Flyers 1 $100 tax st Income:Print")
    assert "Liabilities:Sales Tax:State                       $-8.50" in out
    _, out, _ = run(capsys, "-f", path, "invoice", "new", "school", "--date", "2026-04-01",
                    "--line", "Flyers 1 $100 tax st Income:Print")
    assert "Sales Tax" not in out and "tax: st" in out and "due: 2026-05-01" in out  # net 30 by default


def test_invoice_new_append_is_checked_formatted_and_takes_the_next_number(tmp_path, capsys):
    path = _journal_file(tmp_path)
    for _ in range(2):
        code, _, err = run(capsys, "-f", path, "invoice", "new", "beta", "--date", "2026-03-02",
                           "--line", "Poster print run 20 $12.50 tax st Income:Print", "--append", path)
        assert (code, err) == (0, "")
    assert [invoice.number for invoice in invoices(textledger.load(path))] == ["INV-0100", "INV-0101"]
    assert run(capsys, "-f", path, "fmt", "--check")[0] == 0
    assert run(capsys, "-f", path, "check")[0] == 0


@pytest.mark.parametrize(("line", "message"), [
    ("Open house banners 6", "is the price missing?"),
    ("Banners 6 $85 tax zz", "unknown tax code 'zz' (codes: st)"),
    ("Banners, large 6 $85", "the description must be non-empty and have no comma"),
])
def test_invoice_new_refuses_a_line_it_cannot_bill(tmp_path, capsys, line, message):
    code, out, err = run(capsys, "-f", _journal_file(tmp_path), "invoice", "new", "beta", "--line", line)
    assert code == 2 and out == "" and message in err


def test_invoice_new_refuses_an_unknown_customer(tmp_path, capsys):
    code, _, err = run(capsys, "-f", _journal_file(tmp_path), "invoice", "new", "Gamma", "--line", "x 1 $1")
    assert code == 2 and "no customer 'Gamma' (customers: Beta Books, School District)" in err


def test_parse_line_reads_from_the_right():
    line = parse_line("Box of 12 mugs 3 $40.00 tax st Income:Print Production", ["$"], "$")
    assert (line.description, line.quantity, line.price, line.taxcode, line.account) == (
        "Box of 12 mugs", Decimal(3), Decimal("40.00"), "st", "Income:Print Production")


# ---------------------------------------------------------------- the check

INVOICE = """
2026-03-02 * (INV-0100) Beta Books | Invoice INV-0100  ; invoice: INV-0100
    Assets:Receivable:Beta Books                     $110.00
    Income:Print                                    $-100.00  ; line: Flyers, qty: 2, price: $50.00, tax: st
    Liabilities:Sales Tax:State                      $-10.00  ; tax: st, taxable: $100.00
"""


def test_a_recorded_invoice_checks_clean():
    assert _errors(DETAILS + INVOICE) == []


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("tax: st\n", "tax: zz\n", "23:102: unknown tax code 'zz': declare it on its liability account"
                              " (`account ...  ; taxcode: CODE` with a `rate:`)"),
    ("qty: 2, price: $50.00, ", "qty: 2, ", "23:65: this invoice line has no price: add `price: AMOUNT`"
                                            " (the unit price, e.g. `price: $250.00`) to its tags"),
    ("price: $50.00", "price: $40.00", "23:87: this line's amount is not qty × price (2 × $40.00 = 80.00):"
                                       " fix the amount or the tags"),
    ("$-10.00  ; tax: st, taxable: $100.00", "$-11.00  ; tax: st, taxable: $100.00",
     "24:5: st tax is $11.00, but 10% of the taxable $100.00 is $10.00"),
])
def test_check_reports_a_wrong_invoice_at_its_line(old, new, expected):
    errors = _errors(DETAILS + INVOICE.replace(old, new).replace("$110.00", "$111.00" if "$-11.00" in new else "$110.00"))
    assert any(error.startswith(expected) for error in errors), errors


def test_check_reports_tax_charged_to_an_exempt_customer():
    text = INVOICE.replace("Beta Books", "School District")
    assert _errors(DETAILS + text) == ["24:5: School District is tax-exempt (`salestax: exempt`), but this invoice"
                                       " charges st tax"]


def test_check_reports_gaps_and_duplicates_in_the_sequence():
    second = INVOICE.replace("INV-0100", "INV-0102")
    duplicate = """
2026-03-03 * (INV-0100) School District | Invoice INV-0100  ; invoice: INV-0100
    Assets:Receivable:School District                $100.00
    Income:Print                                    $-100.00  ; line: Flyers, qty: 2, price: $50.00, tax: st
"""
    errors = _errors(DETAILS + INVOICE + second + duplicate)
    assert errors == [
        "26:15: gap in the invoice sequence: INV-0101 missing before INV-0102 (void an invoice with a zero entry"
        " rather than leave its number out)",
        "31:15: duplicate invoice number INV-0100: already issued to Beta Books at books.journal:21;"
        " the next free number is INV-0103",
    ]


# ---------------------------------------------------------------- properties

_money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
_lines = st.lists(st.tuples(st.integers(1, 500), _money, st.booleans()), min_size=1, max_size=6)


@given(_lines, st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), st.booleans())
def test_an_invoice_total_is_its_lines_plus_tax_and_reads_back_and_checks_clean(lines, day, exempt):
    journal = textledger.loads(DETAILS)
    details, _ = read_details(journal)
    customer = details.customer("School District" if exempt else "Beta Books")
    assert customer is not None
    invoice_lines = [InvoiceLine(description=f"item {index}", quantity=Decimal(quantity), price=price, commodity="$",
                                 taxcode="st" if taxed else "", account="Income:Print")
                     for index, (quantity, price, taxed) in enumerate(lines)]
    styles = journal.style_map()
    taxes = taxes_for(invoice_lines, details, customer, day, styles)
    entry = format_entry(invoice_transaction("INV-0100", customer, day, day, invoice_lines, taxes, styles), styles)
    books = textledger.loads(DETAILS + "\n" + entry)
    (invoice,) = invoices(books)
    assert invoice.total == sum(line.quantity * line.price for line in invoice_lines) + sum(t.amount for t in taxes)
    assert invoice.total == invoice.subtotal + invoice.tax
    assert [(line.quantity, line.price, line.taxcode) for line in invoice.lines] == [
        (line.quantity, line.price, line.taxcode) for line in invoice_lines]
    assert textledger.check(books) == []


# ---------------------------------------------------------------- invoice show


def test_invoice_show_text_has_every_part(tmp_path, capsys):
    path = _journal_file(tmp_path, INVOICE + """
2026-03-10 * Beta Books | part payment
    Assets:Bank                                       $60.00
    Assets:Receivable:Beta Books                     $-60.00  ; invoice: INV-0100
""")
    code, out, _ = run(capsys, "-f", path, "invoice", "show", "INV-0100", "--as-of", "2026-03-31")
    assert code == 0
    assert out == """\
Acme Design & Co
1 Main St, Suite 2
Springfield, OR 97477
billing@acme.test
Tax ID 12-3456789

INVOICE INV-0100
Date: 2026-03-02   Due: 2026-03-17

Bill to:
Beta Books
9 Elm Rd, Unit 4
ap@beta.test

description      qty    unit price  tax      amount
-------------  -----  ------------  -----  --------
Flyers             2        $50.00  st      $100.00

Subtotal                 $100.00
Sales tax st on $100.00   $10.00
Total                    $110.00
Paid by 2026-03-31        $60.00
Amount due                $50.00

Payment:
ACH to Example Bank, routing 000000000, account 123
"""


def test_invoice_show_html_escapes_every_field(tmp_path, capsys):
    hostile = DETAILS.replace("9 Elm Rd, Unit 4", "<script>alert(1)</script> & co").replace(
        "Acme Design & Co", "Acme <b>Design</b>")
    path = tmp_path / "books.journal"
    path.write_text(hostile + INVOICE.replace("Flyers", "<img src=x onerror=alert(2)>"), encoding="utf-8")
    code, out, _ = run(capsys, "-f", path, "invoice", "show", "INV-0100", "--format", "html", "--as-of", "2026-03-31")
    assert code == 0
    assert "<script>" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in out and "Acme &lt;b&gt;Design&lt;/b&gt;" in out


def test_the_company_logo_is_drawn_from_its_file_beside_the_journal(tmp_path, capsys):
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    path = tmp_path / "books.journal"
    path.write_text(DETAILS.replace("    ; taxid: 12-3456789\n", "    ; taxid: 12-3456789\n    ; logo: art/logo.svg\n")
                    + INVOICE, encoding="utf-8")
    code, out, err = run(capsys, "-f", path, "invoice", "show", "INV-0100", "--format", "html", "--as-of", "2026-03-31")
    assert (code, err) == (0, "")
    assert '<img class="logo" alt="" src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0' in out


@pytest.mark.parametrize(("logo", "says"), [
    ("missing.png", "No such file"), ("logo.bmp", "use a .png, .jpg, .gif, .svg or .webp file"),
])
def test_a_logo_that_cannot_be_shown_is_a_warning_and_the_invoice_goes_out(logo, says, tmp_path, capsys):
    path = tmp_path / "books.journal"
    path.write_text(DETAILS.replace("    ; taxid: 12-3456789\n", f"    ; taxid: 12-3456789\n    ; logo: {logo}\n")
                    + INVOICE, encoding="utf-8")
    code, out, err = run(capsys, "-f", path, "invoice", "show", "INV-0100", "--format", "html", "--as-of", "2026-03-31")
    assert code == 0 and "INV-0100" in out and "<img" not in out
    assert f"{path}:3: warning: logo {logo!r}" in err and says in err  # the company declaration


def test_invoice_show_refuses_an_unknown_invoice(tmp_path, capsys):
    code, _, err = run(capsys, "-f", _journal_file(tmp_path), "invoice", "show", "INV-9999")
    assert code == 2 and "no invoice 'INV-9999' in the journal" in err


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _chromium(chromium: str, profile: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *options], capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": profile})


@pytest.mark.parametrize(("paper", "command", "pages"), [
    ("A4", ("invoice", "show", "INV-1078"), 1),
    ("letter", ("invoice", "show", "INV-1078"), 1),
    ("A4", ("statement", "--all"), 14),  # one page per customer
    ("letter", ("statement", "--all"), 14),
    ("A4", ("collections",), 13),  # one reminder letter per customer with an overdue invoice
])
def test_the_documents_print_in_headless_chromium(tmp_path, capsys, paper, command, pages):
    chromium = tool("chromium", "chromium-browser")
    code, out, _ = run(capsys, "-f", DEMO, *command, "--format", "html", "--as-of", "2026-11-30")
    assert code == 0
    page = tmp_path / "document.html"
    page.write_text(out.replace("@page { margin: 14mm; }", f"@page {{ size: {paper}; margin: 14mm; }}"), encoding="utf-8")
    pdf, shot = tmp_path / "document.pdf", tmp_path / "document.png"
    with tempfile.TemporaryDirectory() as profile:
        result = _chromium(chromium, profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
        assert pdf.exists(), result.stderr
        assert _pdf_pages(pdf.read_bytes()) == pages
        result = _chromium(chromium, profile, f"--screenshot={shot}", "--window-size=820,1000", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000, result.stderr


# ---------------------------------------------------------------- statement --all

_entries = st.lists(st.tuples(st.sampled_from(["Beta Books", "School District", "Gamma"]),
                              st.integers(0, 90), st.decimals(min_value=Decimal("-500"), max_value=Decimal("900"), places=2)
                              .filter(bool)), max_size=12)


@given(_entries, st.integers(0, 100), st.integers(0, 40))
def test_a_statement_closes_at_the_customer_receivable_balance(entries, as_of_day, length):
    start = dt.date(2026, 1, 1)
    text = "".join(
        f"\n{start + dt.timedelta(days=day)} {party}\n    Assets:Receivable:{party}  ${amount}\n    Income:Print\n"
        for party, day, amount in entries)
    journal = textledger.loads(DETAILS + text)
    as_of = start + dt.timedelta(days=as_of_day)
    begin = as_of - dt.timedelta(days=length)
    reports = {report.party: report for report in statements_for_all(journal, as_of, begin)}
    for party in ("Beta Books", "School District", "Gamma"):
        balance = sum((amount for who, day, amount in entries if who == party and start + dt.timedelta(days=day) <= as_of),
                      Decimal(0))
        active = any(who == party and begin <= start + dt.timedelta(days=day) <= as_of for who, day, _ in entries)
        if balance or active:
            assert sum(amount.quantity for amount in reports[party].closing) == balance
        else:
            assert party not in reports


def test_statement_all_writes_one_new_file_per_customer_and_never_overwrites(tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    arguments = ("-f", DEMO, "statement", "--all", "--as-of", "2026-11-30", "--format", "html", "--output-dir", folder)
    code, out, err = run(capsys, *arguments)
    assert (code, err) == (0, "")
    files = sorted(folder.iterdir())
    assert [path.name for path in files][:2] == ["statement-atlas-freight-logistics.html",
                                                  "statement-bluefin-coffee-roasters.html"]
    assert out.splitlines() == [str(path) for path in files]
    bluefin = files[1].read_text(encoding="utf-8")
    assert "88 Alaskan Way S" in bluefin and "$3,451.75" in bluefin and "INV-1078" in bluefin
    before = {path: path.stat().st_mtime_ns for path in files}
    code, _, err = run(capsys, *arguments)
    assert code == 2 and "already there" in err and "nothing written" in err
    assert {path: path.stat().st_mtime_ns for path in files} == before


def test_statement_files_are_written_all_or_none(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    real, calls = os.replace, []

    def failing(source, target):  # the third file's replace fails: the two before it are taken back
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(target))
        return real(source, target)

    monkeypatch.setattr(os, "replace", failing)
    code, _, err = run(capsys, "-f", DEMO, "statement", "--all", "--as-of", "2026-11-30", "--output-dir", folder)
    assert code == 2 and "No space left on device" in err
    assert list(folder.iterdir()) == []


def test_statement_all_prints_every_customer(capsys):
    code, out, _ = run(capsys, "-f", DEMO, "statement", "--all", "--as-of", "2026-11-30")
    assert code == 0
    assert out.count("Statement for ") == 14 and out.count("\f") == 13
    assert "2026-11-02  invoice  INV-1078     Invoice INV-1078               $1,151.75  $4,051.75" in out


@pytest.mark.parametrize("arguments", [
    ("statement",), ("statement", "Beta", "--all"), ("statement", "Beta", "--as-of", "2026-01-01"),
])
def test_statement_all_usage_errors(tmp_path, capsys, arguments):
    code, _, err = run(capsys, "-f", _journal_file(tmp_path, INVOICE), *arguments)
    assert code == 2 and err


# ---------------------------------------------------------------- recurring invoices

RULE = """
~ monthly from 2026-01-01 to 2026-07-01
    ; recurring: beta-care
    Assets:Receivable:Beta Books
    Income:Design                                   $-300.00  ; line: Care plan, qty: 1, price: $300.00, tax: st
"""


def test_invoice_run_makes_every_due_invoice_once(tmp_path, capsys):
    path = _journal_file(tmp_path, RULE)
    code, out, _ = run(capsys, "-f", path, "invoice", "run", "--date", "2026-03-15", "--append", path)
    assert code == 0
    assert [line for line in out.splitlines() if not line.startswith(" ")and line] == [
        f"2026-0{month}-01 * (INV-010{month - 1}) Beta Books | Invoice INV-010{month - 1}  ; invoice: INV-010{month - 1},"
        f" due: 2026-0{month}-16, recurring: beta-care, period: 2026-0{month}-01" for month in (1, 2, 3)]
    assert "    Liabilities:Sales Tax:State                      $-30.00  ; tax: st, taxable: $300.00" in out
    code, out, _ = run(capsys, "-f", path, "invoice", "run", "--date", "2026-03-15")
    assert (code, out) == (0, "no recurring invoice is due up to 2026-03-15: every one is in the journal\n")
    code, out, _ = run(capsys, "-f", path, "invoice", "run", "--date", "2026-12-31")
    assert out.count("recurring: beta-care") == 3 and "INV-0103" in out and "period: 2026-06-01" in out
    assert "Liabilities:Sales Tax:State                      $-25.50" in out  # 8.5% from April
    assert run(capsys, "-f", path, "check")[0] == 0


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("Assets:Receivable:Beta Books", "Assets:Receivable:Nobody",
     "23:5: recurring rule beta-care: unknown customer 'Nobody': declare its account (`account Assets:Receivable:Nobody`)"
     " with its billing details"),
    (", price: $300.00", "", "24:65: recurring rule beta-care: this line has no price or quantity"),
    ("tax: st", "tax: zz", "24:106: recurring rule beta-care: unknown tax code 'zz'"),
    ("monthly from 2026-01-01 to 2026-07-01", "monthly",
     "21:3: recurring rule beta-care: give it a start, e.g. `~ monthly from 2026-11-01`"),
])
def test_check_reports_an_unusable_recurring_rule_at_its_line(old, new, expected):
    errors = _errors(DETAILS + RULE.replace(old, new))
    assert len(errors) == 1 and errors[0].startswith(expected), errors


@given(st.sampled_from(["monthly", "weekly", "quarterly", "every 2 weeks"]), st.integers(0, 400), st.integers(0, 400))
def test_invoice_run_is_idempotent_and_never_skips_a_due_invoice(interval, first, second):
    from textledger.billing.recurring import read_rules
    from textledger.billing.recurring import run as recurring_run
    from textledger.core.periods import parse_schedule
    start = "2026-01-05" if "week" in interval else "2026-01-01"  # a Monday; the first of a month and quarter
    rule = RULE.replace("monthly from 2026-01-01 to 2026-07-01", f"{interval} from {start}")
    text = DETAILS + rule
    journal = textledger.loads(text)
    styles = journal.style_map()
    for days in sorted((first, second)):  # two runs, the second later: what the first made is not made again
        until = dt.date(2026, 1, 1) + dt.timedelta(days=days)
        details, _ = read_details(journal)
        rules, problems = read_rules(journal, details)
        assert problems == []
        text += "".join("\n" + format_entry(entry, styles) for entry in recurring_run(journal, details, rules, until, styles))
        journal = textledger.loads(text)
        details, _ = read_details(journal)
        assert recurring_run(journal, details, rules, until, styles) == []  # idempotent
    schedule = parse_schedule(f"{interval} from {start}")
    expected = schedule.occurrences(schedule.start, until + dt.timedelta(days=1))  # type: ignore[arg-type]
    periods = [transaction.tag("period") for transaction in journal.transactions]
    assert periods == [day.isoformat() for day in expected]  # every due one, once, in order
    numbers = [invoice.number for invoice in invoices(journal)]
    assert numbers == [f"INV-{100 + index:04d}" for index in range(len(numbers))]  # no gap, no duplicate
    assert textledger.check(journal) == []


# ---------------------------------------------------------------- salestax

_sales = st.lists(st.tuples(st.integers(0, 200), st.sampled_from(["Beta Books", "School District"]), _money,
                            st.booleans()), min_size=1, max_size=8)


@given(_sales, st.lists(st.tuples(st.integers(0, 200), _money), max_size=3), st.integers(0, 200), st.integers(1, 120))
def test_salestax_collected_is_the_tax_of_the_period_and_due_what_is_not_remitted(sales, payments, first, length):
    from textledger.billing.salestax import sales_tax
    journal = textledger.loads(DETAILS)
    details, _ = read_details(journal)
    styles = journal.style_map()
    start = dt.date(2026, 1, 1)
    text, taxes_made = DETAILS, []
    for number, (day, party, price, taxed) in enumerate(sales):
        date = start + dt.timedelta(days=day)
        customer = details.customer(party)
        assert customer is not None
        lines = [InvoiceLine(description="item", quantity=Decimal(1), price=price, commodity="$",
                             taxcode="st" if taxed else "", account="Income:Print")]
        taxes = taxes_for(lines, details, customer, date, styles)
        taxes_made += [(date, tax.amount) for tax in taxes]
        text += "\n" + format_entry(invoice_transaction(f"INV-{100 + number:04d}", customer, date, date, lines, taxes,
                                                        styles), styles)
    for day, amount in payments:
        text += f"\n{start + dt.timedelta(days=day)} State | remittance\n"
        text += f"    Liabilities:Sales Tax:State  ${amount}\n    Assets:Bank\n"
    begin, end = start + dt.timedelta(days=first), start + dt.timedelta(days=first + length)
    (row,) = sales_tax(textledger.loads(text), details, begin, end) or (None,)
    if row is None:  # nothing taxed in the period and no tax posting before its end
        assert not any(taxed and begin <= start + dt.timedelta(days=day) < end for day, _, _, taxed in sales)
        assert not any(taxed and party == "Beta Books" and start + dt.timedelta(days=day) < end  # a tax posting
                       for day, party, _, taxed in sales)
        assert not any(start + dt.timedelta(days=day) < end for day, _ in payments)
        return
    assert row.collected == sum((amount for date, amount in taxes_made if begin <= date < end), Decimal(0))
    assert row.remitted == sum((amount for day, amount in payments if begin <= start + dt.timedelta(days=day) < end),
                               Decimal(0))
    assert row.due == sum((amount for date, amount in taxes_made if date < end), Decimal(0)) - sum(
        (amount for day, amount in payments if start + dt.timedelta(days=day) < end), Decimal(0))
    in_period = [(party, price) for day, party, price, taxed in sales if taxed and begin <= start + dt.timedelta(days=day) < end]
    assert row.taxable == sum((price for party, price in in_period if party == "Beta Books"), Decimal(0))
    assert row.exempt == sum((price for party, price in in_period if party == "School District"), Decimal(0))


def test_salestax_report_on_the_example(capsys):
    code, out, _ = run(capsys, "-f", DEMO, "salestax", "-p", "2026-11")
    assert code == 0
    assert out == """\
Sales tax from 2026-11-01 to 2026-11-30

code    account                          taxable    exempt    collected    remitted     due
------  -----------------------------  ---------  --------  -----------  ----------  ------
wa-sea  Liabilities:Sales Tax:Seattle    $500.00   $510.00       $51.75       $0.00  $51.75
"""


def test_salestax_needs_tax_codes(tmp_path, capsys):
    path = tmp_path / "plain.journal"
    path.write_text("2026-01-01 x\n    a  $1\n    b\n", encoding="utf-8")
    code, _, err = run(capsys, "-f", path, "salestax")
    assert code == 2 and "declares no tax codes" in err


# ---------------------------------------------------------------- the month-end pack


def test_the_month_end_pack_has_a_billing_section_when_the_month_bills(capsys):
    code, out, _ = run(capsys, "-f", DEMO, "report", "--month", "2026-11")
    assert code == 0
    section = out[out.index("Billing\n=======\n"):]
    for line in ("Invoiced (3 invoices)                  $10,521.75", "  of which sales tax                       $51.75",
                 "Collected (payments and credit notes)     $600.00",
                 "wa-sea       $51.75       $0.00              $51.75"):
        assert line in section
    code, out, _ = run(capsys, "-f", DEMO, "report", "--month", "2026-10")  # no invoice with line detail, no tax
    assert code == 0 and "Billing\n" not in out


# ---------------------------------------------------------------- collections

LATE = """
2026-01-05 * (INV-0100) Beta Books | Invoice INV-0100  ; invoice: INV-0100
    Assets:Receivable:Beta Books                     $100.00
    Income:Print
2026-03-01 * (INV-0101) Beta Books | Invoice INV-0101  ; invoice: INV-0101
    Assets:Receivable:Beta Books                      $50.00
    Income:Print
2026-03-01 * (INV-0102) School District | Invoice INV-0102  ; invoice: INV-0102
    Assets:Receivable:School District                 $70.00
    Income:Print
"""


def test_collections_lists_overdue_invoices_by_level(tmp_path, capsys):
    code, out, _ = run(capsys, "-f", _journal_file(tmp_path, LATE), "collections", "--as-of", "2026-04-01")
    assert code == 0
    assert out == """\
Overdue invoices at 2026-04-01 (levels: friendly from 1 day late, firm from 31 days late, final from 61 days late)

level     customer         invoice    due           days late     open
--------  ---------------  ---------  ----------  -----------  -------
final     Beta Books       INV-0100   2026-01-20           71  $100.00
friendly  Beta Books       INV-0101   2026-03-16           16   $50.00
friendly  School District  INV-0102   2026-03-31            1   $70.00
"""


def test_collections_levels_are_configurable_and_letters_are_written(tmp_path, capsys):
    text = DETAILS.replace("    ; sequence: INV-0100\n", "    ; sequence: INV-0100\n    ; reminder: 10 gentle\n"
                                                         "    ; reminder: 60 <b>stern</b>\n")
    path = tmp_path / "books.journal"
    path.write_text(text + LATE, encoding="utf-8")
    folder = tmp_path / "letters"
    folder.mkdir()
    code, out, _ = run(capsys, "-f", path, "collections", "--as-of", "2026-04-01", "--format", "html",
                       "--output-dir", folder)
    assert code == 0
    assert [Path(line).name for line in out.splitlines()] == ["reminder-beta-books.html"]  # the district: 1 day, no level
    letter = (folder / "reminder-beta-books.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;stern&lt;/b&gt;" in letter and "<b>" not in letter
    assert "INV-0100" in letter and "INV-0101" in letter and "$150.00" in letter
    code, _, err = run(capsys, "-f", path, "collections", "--as-of", "2026-04-01", "--format", "html", "--output-dir", folder)
    assert code == 2 and "already there" in err


def test_a_reminder_level_that_does_not_read_is_an_error_at_its_line():
    text = DETAILS.replace("    ; sequence: INV-0100\n", "    ; sequence: INV-0100\n    ; reminder: soon\n")
    assert _errors(text) == ["9:7: reminder 'soon': write the first day past due of a level and its name,"
                             " e.g. `reminder: 31 firm`"]


# ---------------------------------------------------------------- ledger and hledger read it all


@pytest.mark.parametrize("program", ["hledger", "ledger"])
def test_ledger_and_hledger_read_the_billing_journals_with_the_same_balances(program):
    binary = tool(program)
    journal = textledger.load(DEMO)
    expected: dict[str, Decimal] = {}
    for transaction in journal.transactions:
        for posting in transaction.postings:
            if posting.amount is not None and posting.amount.commodity == "$" and posting.account.startswith(
                    ("Assets:Receivable", "Liabilities:Sales Tax", "Income")):
                expected[posting.account] = expected.get(posting.account, Decimal(0)) + posting.amount.quantity
    command = [binary, "-f", str(DEMO), "balance", "--flat", "--no-total"] + (["-N"] if program == "hledger" else [])
    command += ["--format", "%(display_total)  %(account)\n"] if program == "ledger" else []
    result = subprocess.run(command + ["^Assets:Receivable", "^Liabilities:Sales Tax", "^Income"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    shown = {}
    for line in result.stdout.splitlines():
        amount, _, account = line.strip().partition("  ")
        if amount.startswith(("$", "-$", "$-")):
            shown[account.strip()] = Decimal(amount.replace("$", "").replace(",", ""))
    assert {account: value for account, value in expected.items() if value} == shown
