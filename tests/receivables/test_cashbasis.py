"""The cash basis (`--basis cash`): revenue when the customer pays, an expense when the bill is paid.

Properties over random invoices, bills, partial and over-payments and credit notes (net
income differs from the accrual basis by exactly what is still open; every entry
balances; cash is the same on both bases on every date; entries that touch no receivable
or payable are left alone; the exact split), hand-computed cases, the commands on the
example company, and the errors a user can hit.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from hypothesis import given, note
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from tests.strategies import invoice_journals
from textledger.core.accounts import AccountType, AccountTypes
from textledger.core.records import LAST_DATE, Journal, PostingKind
from textledger.receivables.cashbasis import allocate, cash_basis
from textledger.receivables.openitems import PAYABLES, RECEIVABLES, open_items, settlements, side_postings

REPO = Path(__file__).resolve().parents[2]
STUDIO = str(REPO / "journals" / "studio.journal")
DEMO = str(REPO / "journals" / "cash-basis.journal")
D = Decimal


def load(text: str) -> Journal:
    return textledger.loads(textwrap.dedent(text), file="t.journal")


def balances(journal: Journal, until: dt.date = LAST_DATE) -> dict[tuple[str, str], Decimal]:
    """Every account's balance per commodity (weights: costs converted) up to `until`, zeros left out."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for transaction in journal.transactions:
        for posting in transaction.postings:
            weight = posting.weight()
            if weight is not None and (posting.date or transaction.date) <= until:
                sums[(posting.account, weight.commodity)] += weight.quantity
    return {key: value for key, value in sums.items() if value}


def net_income(journal: Journal, until: dt.date = LAST_DATE) -> dict[str, Decimal]:
    """Revenue less expenses up to `until`, per commodity."""
    types = AccountTypes.of(journal)
    income: dict[str, Decimal] = defaultdict(Decimal)
    for (account, commodity), quantity in balances(journal, until).items():
        if types.type_of(account) in (AccountType.REVENUE, AccountType.EXPENSE):
            income[commodity] -= quantity
    return {commodity: quantity for commodity, quantity in income.items() if quantity}


def still_open(journal: Journal, as_of: dt.date = LAST_DATE) -> dict[str, Decimal]:
    """Open receivables less open payables at the end of `as_of`, per commodity: the open items, not the credits."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    for side in (RECEIVABLES, PAYABLES):
        for item in open_items(journal, as_of, side).items:
            found[item.commodity] += item.open * side.sign
    return {commodity: quantity for commodity, quantity in found.items() if quantity}


def difference(first: dict, second: dict) -> dict:
    keys = set(first) | set(second)
    return {key: first.get(key, 0) - second.get(key, 0) for key in keys if first.get(key, 0) != second.get(key, 0)}


def unbalanced(journal: Journal) -> list[str]:
    found = []
    for transaction in journal.transactions:
        sums: Counter = Counter()
        for posting in transaction.postings:
            weight = posting.weight()
            if weight is not None and posting.kind is PostingKind.REAL:
                sums[weight.commodity] += weight.quantity
        if any(sums.values()):
            found.append(f"{transaction.date} {transaction.description}: {dict(sums)}")
    return found


# ---------------------------------------------------------------- properties


@given(invoice_journals(tax=False))
def test_net_income_differs_by_exactly_what_is_open(generated):
    """Accrual net income - cash net income = open receivables - open payables: over all
    time, and up to every date of the journal (so revenue is recognized on the right day)."""
    note(generated)
    journal = textledger.loads(generated)
    converted = cash_basis(journal)
    for day in sorted({t.date for t in journal.transactions}) + [LAST_DATE]:
        assert difference(net_income(journal, day), net_income(converted, day)) == still_open(journal, day), day


@given(invoice_journals())
def test_the_cash_basis_balances_and_keeps_cash_and_credits(generated):
    """Every entry balances; cash accounts get the same postings on the same dates; a
    receivable or payable account keeps only its unapplied credits; once what is open is
    paid, every line is recognized in full: only the receivable and payable accounts differ."""
    note(generated)
    journal = textledger.loads(generated)
    converted = cash_basis(journal)
    assert unbalanced(converted) == []
    types = AccountTypes.of(journal)

    def cash(books: Journal) -> Counter:
        return Counter((t.date, p.account, p.amount) for t in books.transactions for p in t.postings
                       if types.is_cash(p.account))
    assert cash(converted) == cash(journal)
    credits = {}
    for side in (RECEIVABLES, PAYABLES):
        for credit in open_items(journal, LAST_DATE, side).credits:
            credits[(credit.party, credit.commodity)] = credit.amount * side.sign
    left = defaultdict(Decimal)
    for side in (RECEIVABLES, PAYABLES):
        for entry in side_postings(converted, side):
            left[(entry.party, entry.commodity)] += entry.posting.amount.quantity
    assert {key: value for key, value in left.items() if value} == credits
    # pay what is open: every line of every invoice is then recognized exactly, on one basis as on the other
    payments = []
    for side in (RECEIVABLES, PAYABLES):
        for found in settlements(journal, side):
            if found.item.open:
                quantity = -found.item.open * side.sign
                amount = f"${quantity}" if found.item.commodity == "$" else f"{quantity} {found.item.commodity}"
                payments.append(f"2026-12-31 * settles {found.item.reference}\n"
                                f"    {found.postings[0].posting.account}  {amount}  ; {side.item}: {found.item.reference}\n"
                                "    Assets:Bank\n")
    settled = textledger.loads(generated + "\n" + "\n".join(payments))
    assert still_open(settled) == {}
    changed = difference(balances(settled), balances(cash_basis(settled)))
    assert all(account.startswith(("Assets:Receivable", "Liabilities:Payable")) for account, _ in changed)


@given(invoice_journals())
def test_entries_without_receivables_or_payables_are_left_alone(generated):
    """Cash sales, card expenses, payroll ... are the same on both bases; the same journal
    with its receivables and payables renamed to other accounts is the journal itself."""
    journal = textledger.loads(generated)
    converted = cash_basis(journal)
    on_side = {id(e.transaction) for side in (RECEIVABLES, PAYABLES) for e in side_postings(journal, side)}
    untouched = [t for t in journal.transactions if id(t) not in on_side]
    assert [t for t in converted.transactions if any(t is u for u in untouched)] == untouched
    plain = textledger.loads(generated.replace(":Receivable:", ":Loans:").replace(":Payable:", ":Loans:"))
    assert cash_basis(plain) is plain


@given(st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=5), st.lists(st.integers(1, 10**6), max_size=5),
       st.integers(-3, 1), st.booleans())
def test_allocate_is_exact_and_within_a_unit(numbers, weights, exponent, paid):
    """Each share adds up to minus its part; after each part, what the shares gave of each
    value is within one unit of its exact proportion; parts adding up to the whole give
    back every value exactly (an invoice paid in full recognizes exactly its lines)."""
    unit = D(1).scaleb(exponent)
    values = [D(n) * unit for n in numbers]
    whole = -sum(values)
    if not whole:
        return
    parts = [(whole * w / (sum(weights) + 1)).quantize(unit) for w in weights]  # proportions of the whole
    if paid:
        parts.append(whole - sum(parts))
    shares = allocate(values, parts)
    given_so_far = [D(0)] * len(values)
    running = D(0)
    for part, share in zip(parts, shares):
        assert sum(share) == -part
        running += part
        for index, value in enumerate(values):
            given_so_far[index] += share[index]
            assert abs(given_so_far[index] - value * running / whole) < unit
    if paid:
        assert given_so_far == values


# ---------------------------------------------------------------- by hand


def figures(capsys, tmp_path, text: str, *argv: str) -> dict[str, list[str]]:
    """`textledger -f FILE ARGV -O json` on a statement: {account or caption: [amount per column]}
    (single-commodity amounts as exact strings, "0" for none)."""
    path = tmp_path / "books.journal"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    code, out, err = run(capsys, "-f", path, *argv, "-O", "json")
    assert code == 0, err
    report = json.loads(out)
    found = {}
    for line in [row for section in report["sections"] for row in section["rows"] + [section["total"]]] + report["summary"]:
        found[line["account"] or line["label"]] = [cell[0]["amount"] if cell else "0" for cell in line["amounts"]]
    return found


PARTIAL = """\
    2026-01-10 * Acme | Design work, with sales tax  ; invoice: INV-1
        Assets:Receivable:Acme      $1,000.00
        Income:Design                $-909.09
        Liabilities:Sales Tax         $-90.91

    2026-02-03 * Acme | A third
        Assets:Bank                   $333.33
        Assets:Receivable:Acme       $-333.33  ; invoice: INV-1

    2026-03-02 * Acme | The rest
        Assets:Bank                   $666.67
        Assets:Receivable:Acme       $-666.67  ; invoice: INV-1
    """


def test_a_partial_payment_recognizes_its_share_of_revenue_and_sales_tax(capsys, tmp_path):
    """$333.33 of a $1,000.00 invoice recognizes 33.333% of each line, to the cent and adding
    up to the payment; the rest comes with the second payment, so the invoice is recognized exactly."""
    income = figures(capsys, tmp_path, PARTIAL, "is", "-M", "--basis", "cash")
    assert income["Income:Design"] == ["0", "303.03", "606.06"]      # 909.09 x 1/3 = 303.0297
    balance = figures(capsys, tmp_path, PARTIAL, "bs", "-M", "--basis", "cash")
    assert balance["Liabilities:Sales Tax"] == ["0", "30.30", "90.91"]  # 90.91 x 1/3 = 30.3003
    assert "Assets:Receivable:Acme" not in balance
    accrual = figures(capsys, tmp_path, PARTIAL, "is", "-M")
    assert accrual["Income:Design"] == ["909.09", "0", "0"]


BILL = """\
    2026-01-28 * Paper Co | Letterheads  ; bill: B-7
        Expenses:Printing             $450.00
        Liabilities:Payable:Paper Co

    2026-02-03 * Paper Co | Payment
        Liabilities:Payable:Paper Co  $450.00  ; bill: B-7
        Assets:Bank
    """


def test_a_bill_paid_next_month_is_an_expense_of_that_month(capsys, tmp_path):
    assert figures(capsys, tmp_path, BILL, "is", "-M")["Expenses:Printing"] == ["450.00", "0"]
    assert figures(capsys, tmp_path, BILL, "is", "-M", "--basis", "cash")["Expenses:Printing"] == ["0", "450.00"]
    balance = figures(capsys, tmp_path, BILL, "bs", "-e", "2026-02-01", "--basis", "cash")
    assert "Liabilities:Payable:Paper Co" not in balance and balance["Total liabilities"] == ["0"]


CREDIT_NOTE = """\
    2026-01-05 * Acme | Brochure  ; invoice: INV-1
        Assets:Receivable:Acme      $1,000.00
        Income:Design

    2026-01-20 * Acme | Credit note CN-1, a page dropped  ; credit-note: CN-1
        Income:Design                 $200.00
        Assets:Receivable:Acme       $-200.00  ; invoice: INV-1

    2026-02-10 * Acme | Payment in full
        Assets:Bank                   $800.00
        Assets:Receivable:Acme       $-800.00  ; invoice: INV-1
    """


def test_a_credit_note_cancels_what_it_credits_and_the_payment_recognizes_the_rest(capsys, tmp_path):
    assert figures(capsys, tmp_path, CREDIT_NOTE, "is", "-M")["Income:Design"] == ["800.00", "0"]
    assert figures(capsys, tmp_path, CREDIT_NOTE, "is", "-M", "--basis", "cash")["Income:Design"] == ["0", "800.00"]
    converted = cash_basis(load(CREDIT_NOTE))
    note_entry = next(t for t in converted.transactions if t.tag("credit-note"))
    assert [(p.account, p.amount.quantity) for p in note_entry.postings] == [
        ("Income:Design", D("200.00")), ("Income:Design", D("-200.00"))]


SEVERAL = """\
    2026-01-05 * Birch | Logo  ; invoice: INV-1
        Assets:Receivable:Birch       $500.00
        Income:Design

    2026-01-09 * Birch | Workshop  ; invoice: INV-2
        Assets:Receivable:Birch       $300.00
        Income:Training

    2026-01-12 * Birch | Photos  ; invoice: INV-3
        Assets:Receivable:Birch       $200.00
        Income:Photography

    2026-02-01 * Birch | One payment, no invoice named: the oldest first
        Assets:Bank                   $650.00
        Assets:Receivable:Birch

    2026-02-15 * Birch | One payment naming two invoices
        Assets:Bank                   $350.00
        Assets:Receivable:Birch      $-150.00  ; invoice: INV-2
        Assets:Receivable:Birch      $-200.00  ; invoice: INV-3
    """


def test_a_payment_of_several_invoices_recognizes_each_ones_lines(capsys, tmp_path):
    income = figures(capsys, tmp_path, SEVERAL, "is", "-M", "--basis", "cash")
    assert income["Income:Design"] == ["0", "500.00"]
    assert income["Income:Training"] == ["0", "300.00"]       # 150.00 on 02-01, 150.00 on 02-15
    assert income["Income:Photography"] == ["0", "200.00"]
    converted = cash_basis(load(SEVERAL))
    first = next(t for t in converted.transactions if t.date == dt.date(2026, 2, 1))
    assert [(p.account, p.amount.quantity) for p in first.postings] == [
        ("Assets:Bank", D("650.00")), ("Income:Design", D("-500.00")), ("Income:Training", D("-150.00"))]


def test_an_entry_of_several_invoices_gives_each_its_share_of_the_lines():
    journal = load("""\
        2026-01-05 * Shared job, two clients
            Assets:Receivable:Acme        $300.00  ; invoice: INV-1
            Assets:Receivable:Birch       $700.00  ; invoice: INV-2
            Income:Design                $-909.09
            Liabilities:Sales Tax

        2026-01-20 * Birch pays
            Assets:Bank                   $700.00
            Assets:Receivable:Birch                ; invoice: INV-2
        """)
    converted = cash_basis(journal)
    assert converted.transactions[0].postings == ()  # the invoices' entry: what is unpaid is not recognized
    assert [(p.account, p.amount.quantity) for p in converted.transactions[1].postings] == [
        ("Assets:Bank", D("700.00")), ("Income:Design", D("-636.36")), ("Liabilities:Sales Tax", D("-63.64"))]


def test_money_from_a_credit_is_recognized_when_applied_in_the_invoices_entry():
    """A deposit is the customer's credit (a liability) until an invoice uses it; an
    overpayment's excess stays a credit; neither is revenue."""
    journal = load("""\
        2026-01-05 * Acme | Deposit
            Assets:Bank                   $400.00
            Assets:Receivable:Acme

        2026-02-01 * Acme | Workshop  ; invoice: INV-1
            Assets:Receivable:Acme        $300.00
            Income:Training

        2026-02-10 * Birch | Logo  ; invoice: INV-2
            Assets:Receivable:Birch       $100.00
            Income:Design

        2026-02-20 * Birch | Pays too much
            Assets:Bank                   $130.00
            Assets:Receivable:Birch                ; invoice: INV-2
        """)
    converted = cash_basis(journal)
    assert net_income(converted, dt.date(2026, 1, 31)) == {}
    invoice = next(t for t in converted.transactions if t.tag("invoice") == "INV-1")
    assert [(p.account, p.amount.quantity) for p in invoice.postings] == [
        ("Assets:Receivable:Acme", D("300.00")), ("Income:Training", D("-300.00"))]
    after = balances(converted)
    assert after[("Assets:Receivable:Acme", "$")] == D("-100.00")   # what is left of the deposit
    assert after[("Assets:Receivable:Birch", "$")] == D("-30.00")   # the overpayment
    assert net_income(converted) == {"$": D("400.00")}


def test_stock_and_its_cost_stay_on_the_day_the_goods_left():
    journal = load("""\
        commodity 1. MUG
        account Assets:Inventory    ; type: asset

        2026-01-02 * Potter | Mugs, paid in cash
            Assets:Inventory          10 MUG @ $4.00
            Assets:Bank

        2026-01-10 * Cafe | Mugs, on invoice  ; invoice: INV-1
            Assets:Receivable:Cafe        $60.00
            Income:Sales                 $-60.00
            Assets:Inventory              -6 MUG
            Expenses:Cost of Goods Sold

        2026-02-05 * Cafe | Payment
            Assets:Bank                   $60.00
            Assets:Receivable:Cafe                 ; invoice: INV-1
        """)
    converted = cash_basis(journal)
    sale = next(t for t in converted.transactions if t.date == dt.date(2026, 1, 10))
    assert [(p.account, p.weight()) for p in sale.postings] == [
        ("Assets:Inventory", textledger.Amount(D("-24.00"), "$")),
        ("Expenses:Cost of Goods Sold", textledger.Amount(D("24.00"), "$"))]
    payment = converted.transactions[-1]
    assert [(p.account, p.amount.quantity) for p in payment.postings] == [
        ("Assets:Bank", D("60.00")), ("Income:Sales", D("-60.00"))]


def test_what_does_not_add_up_to_the_invoice_stays_a_receivable():
    """An opening balance brings receivables recognized in earlier books; an invoice paid
    at a total cost (@@) has no exact rate for its lines: both stay as written."""
    journal = load("""\
        2026-01-01 * Opening balances
            Assets:Bank                 $5,000.00
            Assets:Receivable:Acme        $800.00  ; invoice: INV-0
            Equity:Opening Balances

        2026-01-10 * Acme | Pays the old invoice
            Assets:Bank                   $800.00
            Assets:Receivable:Acme                 ; invoice: INV-0

        2026-01-12 * Kunde | Beratung  ; invoice: R-1
            Assets:Receivable:Kunde      100.00 EUR
            Income:Consulting           -100.00 EUR

        2026-01-30 * Kunde | Zahlung
            Assets:Bank                   $112.00
            Assets:Receivable:Kunde     -100.00 EUR @@ $112.00  ; invoice: R-1
        """)
    assert cash_basis(journal) is journal


def test_a_payment_at_a_rate_recognizes_the_lines_at_that_rate():
    journal = load("""\
        2026-01-12 * Kunde | Beratung  ; invoice: R-1
            Assets:Receivable:Kunde      100.00 EUR
            Income:Consulting            -80.00 EUR
            Liabilities:VAT

        2026-01-30 * Kunde | Zahlung, die Hälfte
            Assets:Bank                    $56.00
            Assets:Receivable:Kunde      -50.00 EUR @ $1.12  ; invoice: R-1
        """)
    converted = cash_basis(journal)
    assert unbalanced(converted) == []
    assert [(p.account, p.amount, p.weight()) for p in converted.transactions[1].postings[1:]] == [
        ("Income:Consulting", textledger.Amount(D("-40.00"), "EUR"), textledger.Amount(D("-44.8000"), "$")),
        ("Liabilities:VAT", textledger.Amount(D("-10.00"), "EUR"), textledger.Amount(D("-11.2000"), "$"))]


def test_a_recognized_posting_points_at_the_invoices_line(capsys, tmp_path):
    path = tmp_path / "books.journal"
    path.write_text(textwrap.dedent(PARTIAL), encoding="utf-8")
    journal = textledger.load(path)
    payment = cash_basis(journal).transactions[1]
    assert payment.source.line == 6 and [p.source.line for p in payment.postings] == [7, 3, 4]
    assert payment.postings[1].tag("invoice") == "INV-1"
    code, out, _ = run(capsys, "-f", path, "reg", "tag:invoice=INV-1", "Income", "--basis", "cash")
    assert code == 0 and out.splitlines()[0].split() == ["2026-02-03", "Acme", "|", "A", "third", "Income:Design",
                                                         "$-303.03", "$-303.03"]


def test_print_on_the_cash_basis_reads_back_the_same(capsys, tmp_path):
    path = tmp_path / "books.journal"
    path.write_text(textwrap.dedent(SEVERAL) + "\n" + textwrap.dedent(CREDIT_NOTE.replace("Acme", "Cobalt")), encoding="utf-8")
    code, out, _ = run(capsys, "-f", path, "print", "--basis", "cash")
    assert code == 0

    def postings(journal: Journal) -> list:
        return [(t.date, t.description, p.account, p.amount, p.tags) for t in journal.transactions for p in t.postings]
    assert postings(textledger.loads(out)) == postings(cash_basis(textledger.load(path)))
    assert "    Income:Training                     $-150.00  ; invoice: INV-2\n" in out


def test_a_bad_basis_is_a_usage_error(capsys):
    for command in ("bs", "is", "bal", "reg", "trial", "report", "print"):
        code, out, err = run(capsys, "-f", DEMO, command, "--basis", "modified")
        assert code == 2 and out == ""
        assert "argument --basis: invalid choice: 'modified' (choose from 'accrual', 'cash')" in err


def test_receivable_errors_stop_the_cash_basis(capsys, tmp_path):
    path = tmp_path / "books.journal"
    path.write_text(textwrap.dedent("""\
        2026-01-05 * Acme | Logo  ; invoice: INV-1
            Assets:Receivable:Acme       $500.00
            Income:Design

        2026-01-20 * Acme | Pays an invoice that does not exist
            Assets:Bank                  $500.00
            Assets:Receivable:Acme                 ; invoice: INV-9
        """), encoding="utf-8")
    assert run(capsys, "-f", path, "is")[0] == 0
    code, out, err = run(capsys, "-f", path, "is", "--basis", "cash")
    assert code == 1 and out == ""
    assert err.startswith(f"{path}:7:5: this payment names invoice INV-9, but Acme has no invoice INV-9\n"
                          "7 |     Assets:Receivable:Acme                 ; invoice: INV-9\n")


# ---------------------------------------------------------------- the example company


def test_the_example_company_on_the_cash_basis(capsys):
    """October 2026, checked by hand against the journal: retainers are Harbor & Pine's
    INV-1065 paid on 10-26; print design is Riverbend's half of INV-1047 (its lines are
    $4,100.00 of print design and $2,700.00 of production), Greyhaven's wire, Harbor &
    Pine's INV-1070 and Northgate's $1,000.00 on account; the unpaid invoices and bills drop out."""
    code, out, _ = run(capsys, "-f", STUDIO, "is", "-p", "2026-10", "--basis", "cash", "-O", "json")
    assert code == 0
    report = json.loads(out)
    assert report["basis"] == "cash"
    rows = {row["account"]: row["amounts"][0][0]["amount"] for s in report["sections"] for row in s["rows"]}
    assert rows["Income:Retainers"] == "8500.00"
    assert rows["Income:Print Design"] == str(D("2050.00") + D("7200.00") + D("12000.00") + D("1000.00"))
    assert rows["Income:Print Production"] == "1350.00"
    assert rows["Expenses:Printing"] == "2450.00" and "Income:Web Design" not in rows
    assert report["summary"][0]["amounts"][0] == [{"commodity": "$", "amount": "33428.95"}]
    code, out, _ = run(capsys, "-f", STUDIO, "bs", "-e", "2026-11-01", "-O", "json")
    accrual = json.loads(out)
    code, out, _ = run(capsys, "-f", STUDIO, "bs", "-e", "2026-11-01", "--basis", "cash", "-O", "json")
    cash = json.loads(out)
    assert (accrual["basis"], cash["basis"]) == ("accrual", "cash")
    total = {r["title"]: D(r["total"]["amounts"][0][0]["amount"]) for r in cash["sections"]}
    accrual_total = {r["title"]: D(r["total"]["amounts"][0][0]["amount"]) for r in accrual["sections"]}
    journal = textledger.load(STUDIO)
    receivable = sum(i.open for i in open_items(journal, dt.date(2026, 10, 31)).items)
    assert accrual_total["Assets"] - total["Assets"] == receivable == D("84080.00")
    assert total["Assets"] == D(cash["summary"][0]["amounts"][0][0]["amount"])  # it balances


def test_the_month_end_pack_on_the_cash_basis(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "report", "--month", "2026-10", "--basis", "cash")
    assert code == 0
    assert out.splitlines()[1] == "October 2026 (2026-10-01 to 2026-10-31), cash basis"
    assert "Net income                $33,428.95" in out
    assert "Receivables aging at 2026-10-31" in out  # the invoices are still owed
    code, accrual, _ = run(capsys, "-f", STUDIO, "report", "--month", "2026-10")
    assert accrual.splitlines()[1] == "October 2026 (2026-10-01 to 2026-10-31)"
    assert accrual.split("Receivables and payables")[1] == out.split("Receivables and payables")[1]
    code, out, _ = run(capsys, "-f", STUDIO, "report", "--month", "2026-10", "--basis", "cash", "-O", "json")
    assert json.loads(out)["basis"] == "cash"


def test_closing_entries_are_left_out_on_the_cash_basis(capsys, tmp_path):
    """A closing entry moves the accrual earnings into retained earnings; on the cash basis
    they are other earnings, so the entry is left out and the statements show the cash ones."""
    text = textwrap.dedent(BILL) + textwrap.dedent("""
        2026-01-31 * Closing entry | revenue and expenses for 2026-01 to retained earnings  ; closing: 2026-01
            Expenses:Printing            $-450.00
            Equity:Retained Earnings      $450.00
        """)
    assert "Expenses:Printing" not in figures(capsys, tmp_path, text, "is", "-M")  # closed: zero in January
    assert figures(capsys, tmp_path, text, "is", "-M", "--basis", "cash")["Expenses:Printing"] == ["0", "450.00"]
    balance = figures(capsys, tmp_path, text, "bs", "-M", "--basis", "cash")
    assert "Equity:Retained Earnings" not in balance
    assert balance["Total assets"] == balance["Total liabilities and equity"] == ["0", "-450.00"]


def test_the_guides_worked_example_is_the_example_journal():
    """docs/reports.md shows the entries of journals/cash-basis.journal, which its commands read."""
    guide = (REPO / "docs" / "reports.md").read_text(encoding="utf-8").split("## Cash basis", 1)[1]
    shown = guide.split("```journal\n", 1)[1].split("```", 1)[0]
    assert shown.startswith("2026-01-02 * Owner") and Path(DEMO).read_text(encoding="utf-8").endswith(shown)


def test_hledger_reads_the_cash_basis_print_to_the_same_balances(capsys, tmp_path):
    """`print --basis cash` is a journal: hledger's balances of it are textledger's on the cash basis."""
    from tests.conftest import tool
    from tests.core.test_conformance import assert_same, hledger_balances, textledger_balances

    tool("hledger")
    code, out, _ = run(capsys, "-f", STUDIO, "print", "--basis", "cash")
    assert code == 0
    printed = tmp_path / "cash.journal"
    printed.write_text(out, encoding="utf-8")
    assert_same(textledger_balances(STUDIO, capsys, "--basis", "cash"), hledger_balances(printed), "hledger")


def test_the_cash_flow_on_the_cash_basis_moves_the_same_cash(capsys):
    """cf --basis cash: operating starts from the cash-basis net income, and with no
    receivables or payables left to change, the cash from operations is the same."""
    shown = {}
    for basis in ("accrual", "cash"):
        code, out, err = run(capsys, "-f", DEMO, "cf", "--basis", basis, "-O", "json")
        assert code == 0, err
        shown[basis] = json.loads(out)
    assert shown["cash"]["basis"] == "cash" and shown["accrual"]["basis"] == "accrual"

    def line(statement, section, label):
        found = next(s for s in statement["sections"] if s["title"] == section)
        rows = found["rows"] + [found["total"]]
        return next(r["amounts"][0] for r in rows if r["label"] == label)

    assert line(shown["accrual"], "Operating activities", "Net income") == [{"commodity": "$", "amount": "2900.00"}]
    assert line(shown["cash"], "Operating activities", "Net income") == [{"commodity": "$", "amount": "2100.00"}]
    for basis in shown.values():
        assert line(basis, "Operating activities", "Net cash from operating activities") == [
            {"commodity": "$", "amount": "2200.00"}]
    receivable_rows = [r for s in shown["cash"]["sections"] for r in s["rows"] if r["account"].startswith("Assets:Receivable")]
    assert receivable_rows == []
