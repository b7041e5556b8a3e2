"""Receivables and payables: open items, application of payments, aging, statements, DSO.

Properties over random invoice/payment histories (the aging total is the receivable
balance; nothing open is negative; order within a date, includes and later entries change
nothing), hand-computed cases for the tricky ones, every error a user can hit, and the
commands on the example company.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import tempfile
import textwrap
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from tests.cli_run import run
from textledger.core.query import Query
from textledger.receivables.aging import Buckets, aging, collections, days_outstanding
from textledger.receivables.openitems import PAYABLES, RECEIVABLES, open_items, parties, problems, terms_days
from textledger.receivables.statement import statement
from textledger.reports.balances import flat_balance

REPO = Path(__file__).resolve().parents[2]
STUDIO = str(REPO / "journals" / "studio.journal")
D = Decimal


def load(text: str) -> textledger.Journal:
    return textledger.loads(textwrap.dedent(text), file="t.journal")


def customer_rows(journal, as_of, side=RECEIVABLES, **options) -> dict[str, dict[str, Decimal]]:
    """{customer: {bucket label: amount, "unapplied": ..., "total": ...}} for single-commodity cases."""
    report = aging(open_items(journal, as_of, side), **options)
    return {row.party: {**dict(zip(report.labels, row.amounts)), "unapplied": row.unapplied, "total": row.total}
            for row in report.rows}


# ---------------------------------------------------------------- random histories

CUSTOMERS = ("Acme", "Birch Ltd", "Cobalt")
BASE = dt.date(2026, 1, 1)


@st.composite
def histories(draw, side=RECEIVABLES):
    """A random history as a list of (date, text) transactions, and the money owed per
    (customer, commodity) up to each date: invoices with IDs (on the transaction or the
    posting), untagged charges, due dates and terms; payments and credit notes that name an
    invoice (sometimes before it is issued, sometimes more than it) or name none; customers
    by account or by `customer:` tag on a shared account; two commodities."""
    account_root, item_tag, party_tag, other = (
        ("Assets:Receivable", "invoice", "customer", "Income:Sales") if side is RECEIVABLES
        else ("Liabilities:Payable", "bill", "vendor", "Expenses:Supplies"))
    sign = side.sign
    # a few dates shared by many transactions, so that the order within a date matters
    days = draw(st.lists(st.integers(0, 75), min_size=1, max_size=4, unique=True))
    invoices = []
    for number in range(draw(st.integers(1, 8))):
        invoices.append((f"N-{number}", draw(st.sampled_from(CUSTOMERS)), draw(st.sampled_from(("$", "EUR")))))
    transactions = []
    owed = []  # (date, customer, commodity, amount owed: + invoice, - payment)

    def amount(cents: int, commodity: str) -> str:
        quantity = D(cents).scaleb(-2) * sign
        return f"${quantity}" if commodity == "$" else f"{quantity} EUR"

    def receivable(customer: str, shared: bool) -> tuple[str, str]:
        """The account and the customer tag line, if the customer is named by tag."""
        if shared:
            return f"{account_root}:Shared", f"    ; {party_tag}: {customer}\n"
        return f"{account_root}:{customer}", ""

    for reference, customer, commodity in invoices:
        date = BASE + dt.timedelta(days=draw(st.sampled_from(days)))
        cents = draw(st.integers(1, 100_000))
        shared = draw(st.booleans())
        account, tag_line = receivable(customer, shared)
        due = draw(st.one_of(st.none(), st.integers(0, 60)))
        terms = draw(st.sampled_from(("", "    ; terms: net15\n", "    ; terms: due-on-receipt\n")))
        due_line = f"    ; due: {date + dt.timedelta(days=due)}\n" if due is not None else ""
        on_posting = draw(st.booleans())
        head = "" if on_posting else f"    ; {item_tag}: {reference}\n"
        tail = f"  ; {item_tag}: {reference}" if on_posting else ""
        transactions.append((date, f"{date} * {customer} | {item_tag}\n{tag_line}{head}{due_line}{terms}"
                                   f"    {account}  {amount(cents, commodity)}{tail}\n    {other}\n"))
        owed.append((date, customer, commodity, D(cents).scaleb(-2)))
    for _ in range(draw(st.integers(0, 10))):
        date = BASE + dt.timedelta(days=draw(st.sampled_from(days)))
        cents = draw(st.integers(1, 100_000))
        kind = draw(st.sampled_from(("named", "unnamed", "charge")))
        if kind == "named":
            reference, customer, commodity = draw(st.sampled_from(invoices))
            tail = f"  ; {item_tag}: {reference}"
        else:
            customer, commodity = draw(st.sampled_from(CUSTOMERS)), draw(st.sampled_from(("$", "EUR")))
            tail = ""
        account, tag_line = receivable(customer, draw(st.booleans()))
        if kind == "charge":  # an untagged increase: an open item named by its line
            transactions.append((date, f"{date} * {customer} | charge\n{tag_line}"
                                       f"    {account}  {amount(cents, commodity)}\n    {other}\n"))
            owed.append((date, customer, commodity, D(cents).scaleb(-2)))
        else:
            counter = draw(st.sampled_from(("Assets:Bank", other)))  # payment or credit note
            transactions.append((date, f"{date} * {customer} | {kind}\n{tag_line}"
                                       f"    {account}  {amount(-cents, commodity)}{tail}\n    {counter}\n"))
            owed.append((date, customer, commodity, -D(cents).scaleb(-2)))
    order = draw(st.permutations(range(len(transactions))))
    transactions = [transactions[i] for i in order]
    as_of = BASE + dt.timedelta(days=draw(st.one_of(st.sampled_from(days), st.integers(0, 120))))
    return transactions, owed, as_of


def journal_text(transactions) -> str:
    return "account Assets:Receivable:Acme  ; terms: net45\n\n" + "\n".join(text for _, text in transactions)


def owed_until(owed, as_of) -> dict[tuple[str, str], Decimal]:
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for date, customer, commodity, quantity in owed:
        if date <= as_of:
            sums[(customer, commodity)] += quantity
    return {key: value for key, value in sums.items() if value}


def per_customer(report) -> dict[tuple[str, str], Decimal]:
    return {(row.party, row.commodity): row.total for row in report.rows if row.total}


@given(histories())
def test_aging_total_is_the_receivable_balance(history):
    transactions, owed, as_of = history
    journal = textledger.loads(journal_text(transactions))
    report = aging(open_items(journal, as_of))
    balance = flat_balance(journal, Query.from_terms(["^Assets:Receivable"], end=as_of + dt.timedelta(days=1)))
    expected = {amount.commodity: amount.quantity for amount in balance.total}
    assert {row.commodity: row.total for row in report.totals if row.total} == expected
    assert per_customer(report) == owed_until(owed, as_of)


@given(histories(side=PAYABLES))
def test_payables_aging_total_is_what_is_owed(history):
    transactions, owed, as_of = history
    journal = textledger.loads(journal_text(transactions))
    report = aging(open_items(journal, as_of, PAYABLES))
    balance = flat_balance(journal, Query.from_terms(["^Liabilities:Payable"], end=as_of + dt.timedelta(days=1)))
    assert {row.commodity: row.total for row in report.totals if row.total} == {
        amount.commodity: -amount.quantity for amount in balance.total}
    assert per_customer(report) == owed_until(owed, as_of)


@given(histories())
def test_nothing_open_is_negative_and_histories_are_valid(history):
    transactions, _, as_of = history
    journal = textledger.loads(journal_text(transactions))
    assert problems(journal) == ()
    items = open_items(journal, as_of)
    for item in items.items:
        assert 0 <= item.applied <= item.amount
    assert all(credit.amount < 0 for credit in items.credits)
    for row in aging(items, detail=True).rows:
        assert all(amount >= 0 for amount in row.amounts) and row.unapplied <= 0


@given(histories(), st.randoms(use_true_random=False))
def test_order_within_a_date_changes_nothing(history, random):
    transactions, _, as_of = history
    by_date = defaultdict(list)
    for transaction in transactions:
        by_date[transaction[0]].append(transaction)
    shuffled = []
    for date in sorted(by_date):
        group = by_date[date][:]
        random.shuffle(group)
        shuffled += group
    before = open_items(textledger.loads(journal_text(transactions)), as_of)
    after = open_items(textledger.loads(journal_text(shuffled)), as_of)
    for buckets in (Buckets(), Buckets(by_invoice_date=True)):
        assert aging(after, buckets) == aging(before, buckets)


@given(histories(), st.integers(1, 4))
def test_splitting_into_included_files_changes_nothing(history, parts):
    transactions, _, as_of = history
    with tempfile.TemporaryDirectory() as folder:
        whole = Path(folder, "whole.journal")
        whole.write_text(journal_text(transactions))
        main_file = Path(folder, "main.journal")
        head = "account Assets:Receivable:Acme  ; terms: net45\n"
        for part in range(parts):
            chunk = transactions[part::parts]
            Path(folder, f"part{part}.journal").write_text("\n".join(text for _, text in chunk))
            head += f"include part{part}.journal\n"
        main_file.write_text(head)
        split, single = open_items(textledger.load(main_file), as_of), open_items(textledger.load(whole), as_of)
        for buckets in (Buckets(), Buckets(by_invoice_date=True)):
            assert aging(split, buckets) == aging(single, buckets)


@given(histories())
def test_aging_as_of_a_date_ignores_everything_after_it(history):
    transactions, _, as_of = history
    full = textledger.loads(journal_text(transactions))
    cut = textledger.loads(journal_text([t for t in transactions if t[0] <= as_of]))
    assert aging(open_items(full, as_of)) == aging(open_items(cut, as_of))
    assert aging(open_items(full, as_of), Buckets(by_invoice_date=True)) == \
        aging(open_items(cut, as_of), Buckets(by_invoice_date=True))


# ---------------------------------------------------------------- buckets, by hand

EDGES = """\
    2026-01-01 * Acme | invoices due on the bucket edges
        Assets:Receivable:Acme   $1.00  ; invoice: D0
            ; due: 2026-06-30
        Assets:Receivable:Acme   $2.00  ; invoice: D30
            ; due: 2026-05-31
        Assets:Receivable:Acme   $4.00  ; invoice: D31
            ; due: 2026-05-30
        Assets:Receivable:Acme   $8.00  ; invoice: D60
            ; due: 2026-05-01
        Assets:Receivable:Acme  $16.00  ; invoice: D61
            ; due: 2026-04-30
        Assets:Receivable:Acme  $32.00  ; invoice: D90
            ; due: 2026-04-01
        Assets:Receivable:Acme  $64.00  ; invoice: D91
            ; due: 2026-03-31
        Assets:Receivable:Acme  $128.00  ; invoice: FUTURE
            ; due: 2026-07-01
        Income
    """


def test_bucket_edges_due_today_and_30_31_60_61_90_91_days_ago():
    journal = load(EDGES)
    row = customer_rows(journal, dt.date(2026, 6, 30))["Acme"]
    assert row == {"current": D("129.00"), "1-30": D("2.00"), "31-60": D("12.00"), "61-90": D("48.00"),
                   "over 90": D("64.00"), "unapplied": 0, "total": D("255.00")}
    detail = aging(open_items(journal, dt.date(2026, 6, 30)), detail=True)
    assert [(row.item.reference, row.days) for row in detail.rows] == [
        ("D91", 91), ("D90", 90), ("D61", 61), ("D60", 60), ("D31", 31), ("D30", 30), ("D0", 0), ("FUTURE", -1)]


def test_custom_buckets_and_labels():
    journal = load(EDGES)
    buckets = Buckets.from_text("15,30,60,90")
    assert buckets.labels == ("current", "1-15", "16-30", "31-60", "61-90", "over 90")
    row = customer_rows(journal, dt.date(2026, 6, 30), buckets=buckets)["Acme"]
    assert (row["current"], row["1-15"], row["16-30"], row["over 90"]) == (D("129.00"), 0, D("2.00"), D("64.00"))
    assert Buckets(by_invoice_date=True).labels == ("0-30", "31-60", "61-90", "over 90")


def test_aging_by_invoice_date():
    journal = load("""\
        2026-01-01 * Acme
            Assets:Receivable:Acme   $10.00  ; invoice: A
                ; due: 2026-12-31
            Income
        2026-03-01 * Acme
            Assets:Receivable:Acme   $20.00  ; invoice: B
            Income
        """)
    by_invoice = customer_rows(journal, dt.date(2026, 3, 31), buckets=Buckets(by_invoice_date=True))["Acme"]
    assert by_invoice == {"0-30": D("20.00"), "31-60": 0, "61-90": D("10.00"), "over 90": 0,
                          "unapplied": 0, "total": D("30.00")}
    assert customer_rows(journal, dt.date(2026, 3, 31))["Acme"]["current"] == D("30.00")


@pytest.mark.parametrize("date, as_of, bucket", [
    ("2028-01-30", "2028-03-30", "1-30"),    # net 30 from 30 January 2028 is 29 February: 30 days late
    ("2028-01-30", "2028-03-31", "31-60"),
    ("2028-01-30", "2028-02-29", "current"),  # due today
    ("2027-01-30", "2027-03-31", "1-30"),    # 2027 is no leap year: due 1 March, 30 days late
    ("2028-02-29", "2028-04-29", "1-30"),    # due 30 March
    ("2028-02-29", "2028-04-30", "31-60"),
])
def test_leap_year_february(date, as_of, bucket):
    journal = load(f"""\
        {date} * Acme
            Assets:Receivable:Acme   $10.00  ; invoice: L
            Income
        """)
    row = customer_rows(journal, dt.date.fromisoformat(as_of))["Acme"]
    assert row[bucket] == D("10.00")
    item = open_items(journal, dt.date.fromisoformat(as_of)).items[0]
    assert item.due == dt.date.fromisoformat(date) + dt.timedelta(days=30)


# ---------------------------------------------------------------- applying payments, by hand


def test_payment_before_the_invoice_it_names():
    journal = load("""\
        2026-01-05 * Acme | paid in advance
            Assets:Bank   $40.00
            Assets:Receivable:Acme  ; invoice: INV-1
        2026-01-10 * Acme | the invoice
            Assets:Receivable:Acme   $100.00  ; invoice: INV-1
            Income
        2026-01-10 * Birch | deposit larger than the invoice
            Assets:Bank   $150.00
            Assets:Receivable:Birch  ; invoice: INV-7
        2026-01-12 * Birch
            Assets:Receivable:Birch   $100.00  ; invoice: INV-7
            Income
        """)
    assert problems(journal) == ()
    early = customer_rows(journal, dt.date(2026, 1, 7))
    assert early == {"Acme": {"current": 0, "1-30": 0, "31-60": 0, "61-90": 0, "over 90": 0,
                              "unapplied": D("-40.00"), "total": D("-40.00")}}
    later = customer_rows(journal, dt.date(2026, 3, 1))
    assert later["Acme"]["1-30"] == D("60.00") and later["Acme"]["unapplied"] == 0
    assert later["Birch"]["unapplied"] == D("-50.00") and later["Birch"]["total"] == D("-50.00")
    items = {item.reference: item for item in open_items(journal, dt.date(2026, 3, 1)).items}
    assert (items["INV-1"].applied, items["INV-1"].open) == (D("40.00"), D("60.00"))
    assert items["INV-7"].open == 0


def test_the_order_of_a_days_entries_does_not_matter():
    """A payment on account and a due-on-receipt invoice on one day: the payment goes to the
    new invoice (its due date is the oldest) whichever is written first."""
    older = "2026-01-01 * Acme\n    Assets:Receivable:Acme  $100.00  ; invoice: O\n        ; terms: net45\n    Income\n"
    new = "2026-02-05 * Acme\n    Assets:Receivable:Acme  $100.00  ; invoice: N\n" \
          "        ; terms: due-on-receipt\n    Income\n"
    paid = "2026-02-05 * Acme\n    Assets:Bank  $100.00\n    Assets:Receivable:Acme\n"
    for order in ([older, new, paid], [older, paid, new]):
        items = open_items(textledger.loads("\n".join(order)), dt.date(2026, 2, 10))
        assert {item.reference: item.open for item in items.items} == {"O": D("100.00"), "N": 0}


def test_credit_note_larger_than_the_invoice():
    journal = load("""\
        2026-01-05 * Acme | invoice
            Assets:Receivable:Acme   $100.00  ; invoice: INV-1
            Income
        2026-01-20 * Acme | credit note CN-1, whole job redone
            ; credit-note: CN-1
            Income   $150.00
            Assets:Receivable:Acme  ; invoice: INV-1
        2026-02-01 * Acme | next invoice
            Assets:Receivable:Acme   $80.00  ; invoice: INV-2
            Income
        """)
    assert customer_rows(journal, dt.date(2026, 1, 31))["Acme"]["unapplied"] == D("-50.00")
    items = open_items(journal, dt.date(2026, 1, 31))
    assert [(i.reference, i.open) for i in items.items] == [("INV-1", 0)]
    later = customer_rows(journal, dt.date(2026, 2, 1))["Acme"]
    assert (later["current"], later["unapplied"], later["total"]) == (D("30.00"), 0, D("30.00"))


def test_unnamed_payment_goes_to_the_oldest_due_date_then_invoice_date_then_file_order():
    journal = load("""\
        2026-01-01 * Acme | long terms
            Assets:Receivable:Acme   $100.00  ; invoice: LONG
                ; terms: net60
            Income
        2026-01-10 * Acme | due on receipt
            Assets:Receivable:Acme   $100.00  ; invoice: SOON
                ; terms: due-on-receipt
            Income
        2026-01-11 * Acme | same due date as SOON2, earlier invoice date
            Assets:Receivable:Acme   $100.00  ; invoice: TIE-A
                ; due: 2026-01-20
            Income
        2026-01-12 * Acme
            Assets:Receivable:Acme   $100.00  ; invoice: TIE-C
                ; due: 2026-01-20
            Assets:Receivable:Acme   $100.00  ; invoice: TIE-B
                ; due: 2026-01-20
            Income
        2026-01-25 * Acme | payment on account
            Assets:Bank   $350.00
            Assets:Receivable:Acme
        """)
    items = {item.reference: item.open for item in open_items(journal, dt.date(2026, 1, 31)).items}
    assert items == {"LONG": D("100.00"), "SOON": 0, "TIE-A": 0, "TIE-C": 0, "TIE-B": D("50.00")}


def test_partial_and_several_payments_and_overpayment():
    journal = load("""\
        2026-01-05 * Acme | two invoices in one transaction
            Assets:Receivable:Acme   $100.00  ; invoice: A
            Assets:Receivable:Acme   $200.00  ; invoice: B
            Income
        2026-01-10 * Acme | partial
            Assets:Bank   $30.00
            Assets:Receivable:Acme  ; invoice: A
        2026-01-11 * Acme | the rest of A, and more than B
            Assets:Bank   $300.00
            Assets:Receivable:Acme   $-70.00  ; invoice: A
            Assets:Receivable:Acme  $-230.00  ; invoice: B
        """)
    items = open_items(journal, dt.date(2026, 1, 31))
    assert [(i.reference, i.applied, i.open) for i in items.items] == [
        ("A", D("100.00"), 0), ("B", D("200.00"), 0)]
    assert [(c.party, c.amount) for c in items.credits] == [("Acme", D("-30.00"))]


def test_one_invoice_over_several_postings_and_untagged_charges():
    journal = load("""\
        2026-01-05 * Acme | goods and sales tax on separate lines
            Assets:Receivable:Acme   $100.00  ; invoice: A
            Assets:Receivable:Acme     $8.00  ; invoice: A
            Income
            Liabilities:Sales Tax     $-8.00
        2026-01-06 * Acme | no invoice tag: still an open item
            Assets:Receivable:Acme    $50.00
            Income
        """)
    items = open_items(journal, dt.date(2026, 1, 31)).items
    assert [(i.reference, i.amount, i.due) for i in items] == [
        ("A", D("108.00"), dt.date(2026, 2, 4)), ("t.journal:7", D("50.00"), dt.date(2026, 2, 5))]
    assert problems(journal) == ()


def test_commodities_are_never_summed():
    journal = load("""\
        2026-01-05 * Acme
            Assets:Receivable:Acme   $100.00  ; invoice: A
            Assets:Receivable:Acme   50.00 EUR  ; invoice: A
            Income
        2026-01-06 * Acme | pays in euros, on account
            Assets:Bank   70.00 EUR
            Assets:Receivable:Acme
        """)
    report = aging(open_items(journal, dt.date(2026, 1, 31)))
    assert [(r.party, r.commodity, r.amounts[0], r.unapplied) for r in report.rows] == [
        ("Acme", "$", D("100.00"), 0), ("Acme", "EUR", 0, D("-20.00"))]
    assert [(t.commodity, t.total) for t in report.totals] == [("$", D("100.00")), ("EUR", D("-20.00"))]


# ---------------------------------------------------------------- conventions: accounts, customers, terms


def test_terms_come_from_the_transaction_account_customer_parent_then_net_30():
    journal = load("""\
        account Assets:Receivable           ; terms: net60
        account Assets:Receivable:Acme      ; terms: net10
        account Customers:Birch             ; customer: Birch, terms: net20

        2026-01-01 * Acme | transaction terms win
            ; terms: net5
            Assets:Receivable:Acme   $1.00  ; invoice: T
            Income
        2026-01-01 * Acme | the account's terms
            Assets:Receivable:Acme   $1.00  ; invoice: A
            Income
        2026-01-01 * Birch | shared account, the customer's terms
            ; customer: Birch
            Assets:Receivable   $1.00  ; invoice: C
            Income
        2026-01-01 * Cobalt | shared account, its own terms
            ; customer: Cobalt
            Assets:Receivable   $1.00  ; invoice: P
            Income
        2026-01-01 * Dune | no terms anywhere
            Assets:Accounts Receivable:Dune   $1.00  ; invoice: N
            Income
        2026-01-01 * Dune | a due date wins over terms
            ; terms: net5
            Assets:Accounts Receivable:Dune   $1.00  ; invoice: DUE
                ; due: 2026-03-01
            Income
        """)
    due = {item.reference: (item.party, (item.due - item.date).days) for item in open_items(journal, dt.date(2026, 1, 1)).items}
    assert due == {"T": ("Acme", 5), "A": ("Acme", 10), "C": ("Birch", 20), "P": ("Cobalt", 60),
                   "N": ("Dune", 30), "DUE": ("Dune", 59)}


@pytest.mark.parametrize("text, days", [
    ("net30", 30), ("Net 15", 15), ("NET0", 0), ("due-on-receipt", 0), ("Due on receipt", 0),
    ("30", None), ("net", None), ("net-30", None), ("eom", None), ("", None)])
def test_terms_values(text, days):
    assert terms_days(text) == days


def test_declared_types_and_default_accounts():
    journal = load("""\
        account Assets:Debtors            ; type: receivable
        account Liabilities:Creditors     ; type: payable
        account Assets:Receivable:Loan to owner  ; type: payable

        2026-01-01 * Acme
            Assets:Debtors:Acme            $10.00  ; invoice: 1
            Assets:Receivables:Birch       $20.00  ; invoice: 2
            assets:accounts receivable:Cobalt  $40.00  ; invoice: 3
            Assets:Receivable:Loan to owner   $80.00
            Assets:Receivablesque:Dune    $160.00
            Liabilities:Creditors:Paper   $-1.00  ; bill: B1
            Liabilities:Payable:Ink       $-2.00  ; bill: B2
            Income
        """)
    assert parties(journal, RECEIVABLES) == ("Acme", "Birch", "Cobalt")
    assert parties(journal, PAYABLES) == ("Ink", "Loan to owner", "Paper")
    payables = open_items(journal, dt.date(2026, 1, 1), PAYABLES)
    assert {item.party: item.amount for item in payables.items} == {"Paper": D("1.00"), "Ink": D("2.00")}
    assert [(c.party, c.amount) for c in payables.credits] == [("Loan to owner", D("-80.00"))]


def test_customer_tag_names_the_customer():
    journal = load("""\
        account Assets:Receivable:ACME-01   ; customer: Acme Corporation

        2026-01-01 * Pike Street Florist | one-off job
            ; customer: Pike Street Florist
            Assets:Receivable:One-off   $10.00  ; invoice: 1
            Income
        2026-01-01 * Acme | the declaration names the customer
            Assets:Receivable:ACME-01   $20.00  ; invoice: 2
            Income
        2026-01-02 * Pike Street Florist | paid
            Assets:Bank   $10.00
            Assets:Receivable:One-off  ; customer: Pike Street Florist
        """)
    assert parties(journal, RECEIVABLES) == ("Acme Corporation", "Pike Street Florist")
    rows = customer_rows(journal, dt.date(2026, 1, 31))
    assert set(rows) == {"Acme Corporation"} and rows["Acme Corporation"]["total"] == D("20.00")


def test_payables_are_bills_owed_as_positive_amounts():
    journal = load("""\
        2026-01-01 * Paper Co | bill
            Expenses:Supplies   $500.00
            Liabilities:Payable:Paper Co  ; bill: B-1
                ; due: 2026-01-15
        2026-01-20 * Paper Co | part paid
            Liabilities:Payable:Paper Co   $200.00  ; bill: B-1
            Assets:Bank
        """)
    report = aging(open_items(journal, dt.date(2026, 2, 20), PAYABLES))
    assert [(r.party, r.amounts, r.total) for r in report.rows] == [
        ("Paper Co", (0, 0, D("300.00"), 0, 0), D("300.00"))]


# ---------------------------------------------------------------- errors


ERRORS = """\
    account Assets:Receivable:Acme   ; terms: thirty days

    2026-01-05 * Acme | consulting
        ; invoice: INV-1
        Assets:Receivable:Acme      $100.00
        Income

    2026-01-06 * Acme | the same number again
        Assets:Receivable:Acme      $100.00  ; invoice: INV-1
        Income

    2026-01-07 * Acme | due before it was issued
        ; due: 2026-01-01
        Assets:Receivable:Acme      $100.00  ; invoice: INV-2
        Income

    2026-01-08 * Acme
        Assets:Receivable:Acme      $100.00  ; invoice: INV-3
            ; terms: 30
        Income

    2026-01-08 * Acme
        Assets:Receivable:Acme      $100.00  ; invoice: INV-4
            ; due: next week
        Income

    2026-01-09 * Acme | pays an invoice that does not exist
        Assets:Bank      $50.00
        Assets:Receivable:Acme      ; invoice: INV-9

    2026-01-09 * Birch | pays Acme's invoice
        Assets:Bank      $50.00
        Assets:Receivable:Birch      ; invoice: INV-2

    2026-01-10 * Acme | pays in another commodity
        Assets:Bank      50 EUR
        Assets:Receivable:Acme      ; invoice: INV-2
    """


def test_every_error_at_its_line():
    found = problems(load(ERRORS))
    assert [(p.line, p.message) for p in found] == [
        (1, "bad terms 'thirty days': write `terms: netN` (e.g. net30) or `terms: due-on-receipt`"),
        (9, "duplicate invoice INV-1 for Acme: it was already issued at t.journal:5; give each invoice its own ID"),
        (12, "INV-2 is due 2026-01-01, before its date 2026-01-07"),
        (18, "bad terms '30': write `terms: netN` (e.g. net30) or `terms: due-on-receipt`"),
        (23, "bad due date 'next week' on INV-4: write it as YYYY-MM-DD"),
        (29, "this payment names invoice INV-9, but Acme has no invoice INV-9"),
        (33, "this payment names invoice INV-2, but Birch has no invoice INV-2 (INV-2 is an invoice of Acme)"),
        (37, "invoice INV-2 of Acme is in '$', not 'EUR': commodities are never converted; record the payment"
             " in the invoice's commodity (with @ for the rate)"),
    ]
    assert all(p.file == "t.journal" for p in found)


def test_errors_stop_the_commands_with_exit_1(capsys, tmp_path):
    path = tmp_path / "bad.journal"
    path.write_text(textwrap.dedent(ERRORS))
    for command in (["aging"], ["statement", "Acme"]):
        code, out, err = run(capsys, "-f", str(path), *command)
        assert code == 1 and out == ""
        assert f"{path}:9:5: duplicate invoice INV-1 for Acme" in err
        assert "    Assets:Receivable:Acme      $100.00  ; invoice: INV-1\n" in err
        assert err.rstrip().endswith("8 errors")


def test_payables_errors_are_about_bills():
    journal = load("""\
        2026-01-01 * Paper Co
            Liabilities:Payable:Paper Co   $50.00  ; bill: B-9
            Assets:Bank
        """)
    assert [p.message for p in problems(journal, PAYABLES)] == [
        "this payment names bill B-9, but Paper Co has no bill B-9"]
    assert problems(journal, RECEIVABLES) == ()


@pytest.mark.parametrize("argv, message", [
    (["aging", "--buckets", "30,20"], "bad buckets '30,20'"),
    (["aging", "--buckets", "x"], "bad buckets 'x'"),
    (["aging", "--buckets", "0,30"], "bad buckets '0,30'"),
    (["aging", "--as-of", "2026-02-30"], "is not a date"),
    (["aging", "--by", "due"], "invalid choice"),
    (["aging", "--customer", "("], "bad regular expression '('"),
    (["statement", "("], "bad regular expression '('"),
    (["statement", "zzz"], "no customer matches 'zzz'; the customers are: Atlas Freight Logistics"),
    (["statement", "e"], "'e' matches several customers: Atlas Freight Logistics"),
    (["statement", "Kestrel", "-b", "2026-06-01", "-e", "2026-05-01"], "the statement period is empty"),
    (["-O", "markdown", "aging"], "aging writes text, csv, json, html, not markdown"),
    (["statement", "Kestrel", "-O", "markdown"],
     "argument --format/-O: invalid choice: 'markdown' (choose from 'text', 'csv', 'json', 'html')"),
])
def test_usage_errors_exit_2(capsys, argv, message):
    code, out, err = run(capsys, "-f", STUDIO, *argv)
    assert code == 2 and out == ""
    assert message in err


# ---------------------------------------------------------------- the example company

AS_OF = "2026-10-31"


def test_example_company_is_clean_and_ages_to_its_balance():
    journal = textledger.load(STUDIO)
    assert problems(journal, RECEIVABLES) == () and problems(journal, PAYABLES) == ()
    as_of = dt.date(2026, 10, 31)
    end = Query(end=as_of + dt.timedelta(days=1))
    for side, pattern in ((RECEIVABLES, "^Assets:Receivable"), (PAYABLES, "^Liabilities:Payable")):
        report = aging(open_items(journal, as_of, side))
        balance = flat_balance(journal, Query.from_terms([pattern], end=end.end)).total
        assert [(t.commodity, t.total) for t in report.totals] == [(a.commodity, a.quantity * side.sign) for a in balance]
    # the customers the issue asks for: 10+, over 6+ months, with the tricky cases
    items = open_items(journal, as_of)
    assert len({item.party for item in items.items}) >= 10
    assert (max(i.date for i in items.items) - min(i.date for i in items.items)).days > 180
    credits = {credit.party: credit.amount for credit in items.credits}
    assert credits == {"Lumen Dental Group": D("-525.00")}     # the overpayment


def test_aging_json_shape(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", AS_OF, "-O", "json")
    assert code == 0
    report = json.loads(out)
    labels = ["current", "1-30", "31-60", "61-90", "over 90"]
    assert report["as_of"] == AS_OF and report["buckets"] == labels
    keys = ["customer", "commodity", *labels, "unapplied", "total"]
    assert all(list(row) == keys for row in report["rows"]) and list(report["total"]) == keys
    assert report["rows"][0] == {"customer": "Atlas Freight Logistics", "commodity": "$", "current": "0",
                                 "1-30": "0", "31-60": "0", "61-90": "0", "over 90": "12750.00",
                                 "unapplied": "0", "total": "12750.00"}
    lumen = next(row for row in report["rows"] if row["customer"] == "Lumen Dental Group")
    assert lumen["unapplied"] == "-525.00" and lumen["total"] == "-525.00"
    for key in labels + ["unapplied", "total"]:
        assert sum(D(row[key]) for row in report["rows"]) == D(report["total"][key])
    assert sum(D(report["total"][label]) for label in labels) + D(report["total"]["unapplied"]) \
        == D(report["total"]["total"]) == D("83555.00")
    assert report["totals"] == [report["total"]]
    assert report["dso"] == [{"commodity": "$", "begin": "2026-08-03", "end": AS_OF, "days": 90,
                              "outstanding": "83555.00", "credit_sales": "145055.00", "value": "51.8"}]


def test_aging_detail_json_rows_are_invoices(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", AS_OF, "--detail", "-O", "json")
    rows = json.loads(out)["rows"]
    assert rows[0] == {"customer": "Atlas Freight Logistics", "commodity": "$", "invoice": "INV-1026",
                       "date": "2026-04-30", "due": "2026-05-30", "days": 154, "current": "0", "1-30": "0",
                       "31-60": "0", "61-90": "0", "over 90": "12750.00", "unapplied": "0", "total": "12750.00"}
    # the unnamed payment on account went to Northgate's oldest invoice
    northgate = [(r["invoice"], r["total"]) for r in rows if r["customer"] == "Northgate Brewing"]
    assert northgate == [("INV-1038", "2200.00"), ("INV-1068", "1900.00")]
    assert [r["days"] for r in rows if r["invoice"]] == sorted((r["days"] for r in rows if r["invoice"]), reverse=True)
    assert rows[-1]["invoice"] is None and rows[-1]["unapplied"] == "-525.00"


def test_aging_text(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", AS_OF)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Receivables aging as of 2026-10-31, by days past due"
    assert lines[2].split() == ["Customer", "current", "1-30", "31-60", "61-90", "over", "90", "Unapplied", "Total"]
    assert lines[4].split() == ["Atlas", "Freight", "Logistics", "$12,750.00", "$12,750.00"]
    assert "Lumen Dental Group" in lines[-5] and lines[-5].split()[-2:] == ["$-525.00", "$-525.00"]
    assert lines[-3].split() == ["Total", "$36,700.00", "$29,030.00", "$18,350.00", "$-525.00", "$83,555.00"]
    assert lines[-1].startswith("DSO 2026-08-03 to 2026-10-31 (90 days): 51.8 days")


def test_aging_options_on_the_example_company(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", AS_OF, "--customer", "north|MERID", "-O", "csv")
    assert out.splitlines() == [
        "customer,commodity,current,1-30,31-60,61-90,over 90,unapplied,total",
        "Northgate Brewing,$,1900.00,0,0,0,2200.00,0,4100.00",
        "Meridian Health Partners,$,16800.00,1800.00,0,0,0,0,18600.00",
        "Total,$,18700.00,1800.00,0,0,2200.00,0,22700.00"]
    _, out, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", AS_OF, "--customer", "merid",
                    "--by", "invoice-date", "--buckets", "15,30,60,90", "-O", "json")
    report = json.loads(out)
    assert report["buckets"] == ["0-15", "16-30", "31-60", "61-90", "over 90"] and report["by"] == "invoice-date"
    assert report["rows"][0]["16-30"] == "15000.00" and report["rows"][0]["31-60"] == "1800.00"
    # -e sets the as-of date to the day before, as everywhere else in textledger
    _, by_end, _ = run(capsys, "-f", STUDIO, "aging", "-e", "2026-11-01", "-O", "json")
    _, by_as_of, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", AS_OF, "-O", "json")
    assert by_end == by_as_of


def test_collections_list(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", AS_OF, "--overdue")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Receivables past due as of 2026-10-31, biggest first"
    assert lines[2].split() == ["Customer", "Invoice", "Date", "Due", "Days", "late", "Open"]
    assert [line.split()[-1] for line in lines[4:7]] == ["$12,750.00", "$11,000.00", "$8,250.00"]
    assert lines[-1].split() == ["Total", "$47,380.00"]
    report = collections(open_items(textledger.load(STUDIO), dt.date(2026, 10, 31)))
    assert all(row.days > 0 for row in report.rows)
    keys = [(-row.total, -row.days) for row in report.rows]
    assert keys == sorted(keys)


def test_aging_html_is_a_self_contained_page(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", AS_OF, "-O", "html")
    assert code == 0
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert "<td>Harbor &amp; Pine Architects</td>" in out
    assert "<th>Total</th>" in out and "$83,555.00" in out
    assert not re.search(r"<(script|link)|src=|href=", out)


def test_payables_on_the_example_company(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "aging", "--as-of", AS_OF, "--payables", "--detail", "-O", "json")
    report = json.loads(out)
    assert list(report["rows"][0])[:3] == ["vendor", "commodity", "bill"]
    rainier = next(row for row in report["rows"] if row["vendor"] == "Rainier Photo Lab")
    assert (rainier["bill"], rainier["due"], rainier["current"]) == ("B-130", "2026-11-13", "420.00")
    assert report["total"]["total"] == "7983.20" and report["dpo"][0]["value"] == "43.4"


def test_statement(capsys):
    code, out, _ = run(capsys, "-f", STUDIO, "statement", "northgate", "-b", "2026-06-01", "-e", "2026-11-01")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Statement for Northgate Brewing, 2026-06-01 to 2026-10-31"
    body = [line.split("  ") for line in lines[4:10]]
    assert [[cell.strip() for cell in row if cell.strip()] for row in body] == [
        ["2026-06-01", "Opening balance", "$0.00"],
        ["2026-06-25", "invoice", "INV-1038", "Oktoberfest labels & tap handles", "$5,200.00", "$5,200.00"],
        ["2026-08-20", "payment", "INV-1038", "ACH payment, partial (owner says the rest after Oktoberfest)",
         "$-2,000.00", "$3,200.00"],
        ["2026-10-02", "invoice", "INV-1068", "Winter stout label", "$1,900.00", "$5,100.00"],
        ["2026-10-28", "payment", "ACH payment on account, no invoice quoted", "$-1,000.00", "$4,100.00"],
        ["2026-10-31", "Closing balance", "$4,100.00"]]
    assert lines[-4] == "Aging as of 2026-10-31"
    assert lines[-1].split() == ["$1,900.00", "$0.00", "$0.00", "$0.00", "$2,200.00", "$0.00", "$4,100.00"]


def test_statement_json_and_csv(capsys):
    _, out, _ = run(capsys, "-f", STUDIO, "statement", "Solstice Yoga Studios", "-p", "2026-05", "-O", "json")
    report = json.loads(out)
    assert report["customer"] == "Solstice Yoga Studios" and (report["begin"], report["end"]) == ("2026-05-01", "2026-05-31")
    assert report["opening"] == [{"commodity": "$", "amount": "0.00"}]
    assert [(line["type"], line["reference"], line["amount"], line["balance"]) for line in report["lines"]] == [
        ("invoice", "INV-1028", "3150.00", "3150.00"), ("credit note", "INV-1028", "-350.00", "2800.00")]
    assert report["closing"] == [{"commodity": "$", "amount": "2800.00"}]
    assert report["aging"]["rows"][0]["1-30"] == "0" and report["aging"]["rows"][0]["current"] == "2800.00"
    _, out, _ = run(capsys, "-f", STUDIO, "statement", "solstice", "-p", "2026-05", "-O", "csv")
    assert out.splitlines()[0] == "date,type,reference,description,commodity,amount,balance"
    assert out.splitlines()[-1] == "2026-05-31,closing balance,,,$,,2800.00"


def test_statement_engine_opening_running_and_closing_balances():
    journal = load("""\
        2026-01-05 * Acme | January
            Assets:Receivable:Acme   $100.00  ; invoice: A
            Income
        2026-02-05 * Acme | February
            Assets:Receivable:Acme   $200.00  ; invoice: B
            Assets:Receivable:Acme    20 EUR  ; invoice: B
            Income
        2026-02-10 * Acme | paid
            Assets:Bank   $250.00
            Assets:Receivable:Acme
        2026-03-01 * Acme | March, after the period
            Assets:Receivable:Acme   $999.00  ; invoice: C
            Income
        """)
    report = statement(journal, "Acme", dt.date(2026, 2, 28), dt.date(2026, 2, 1))
    assert [(a.commodity, a.quantity) for a in report.opening] == [("$", D("100.00")), ("EUR", 0)]
    assert [(line.kind, line.reference, line.amount.quantity, line.balance.quantity) for line in report.lines] == [
        ("invoice", "B", D("200.00"), D("300.00")), ("invoice", "B", D(20), D(20)),
        ("payment", "", D("-250.00"), D("50.00"))]
    assert [(a.commodity, a.quantity) for a in report.closing] == [("$", D("50.00")), ("EUR", D(20))]
    assert [(r.commodity, r.total) for r in report.aging.rows] == [("$", D("50.00")), ("EUR", D(20))]


# ---------------------------------------------------------------- DSO


def test_days_sales_outstanding_by_hand():
    journal = load("""\
        2026-01-01 * Acme | before the period
            Assets:Receivable:Acme   $300.00
            Income
        2026-03-01 * Acme
            Assets:Receivable:Acme   $600.00
            Income
        2026-03-15 * Acme
            Assets:Bank   $500.00
            Assets:Receivable:Acme
        """)
    items = open_items(journal, dt.date(2026, 3, 31))
    (figure,) = days_outstanding(journal, items, dt.date(2026, 3, 1))
    # $400 owed at the end, $600 invoiced in the 31 days of March: 400 / 600 x 31 = 20.67
    assert (figure.days, figure.outstanding, figure.credit_sales, figure.value) == (31, D("400.00"), D("600.00"), D("20.7"))
    (empty,) = days_outstanding(journal, items, dt.date(2026, 3, 20))
    assert empty.value is None


# ---------------------------------------------------------------- the documentation

DOC = REPO / "docs" / "receivables.md"
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _doc_blocks():
    return [(match[1], match[2]) for match in _BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def test_docs_commands_print_what_the_docs_show(capsys, monkeypatch):
    """Every `textledger -f journals/...` line in a ```sh block runs; a ```text block after
    a one-command block shows lines of its output, in order (`...` marks trimmed lines)."""
    monkeypatch.chdir(REPO)
    blocks = _doc_blocks()
    checked = 0
    for index, (lang, body) in enumerate(blocks):
        if lang != "sh":
            continue
        commands = [shlex.split(line, comments=True) for line in body.splitlines()
                    if line.startswith("textledger -f journals/")]
        for argv in commands:
            code, out, err = run(capsys, *argv[1:])
            assert code == 0, (argv, err)
        if len(commands) == 1 and index + 1 < len(blocks) and blocks[index + 1][0] == "text":
            shown = [line.rstrip() for line in blocks[index + 1][1].splitlines() if line.strip() not in ("", "...")]
            produced = [line.rstrip() for line in out.splitlines()]
            position = 0
            for line in shown:
                assert line in produced[position:], f"docs/receivables.md shows {line!r}; {commands[0]} printed:\n{out}"
                position = produced.index(line, position) + 1
            checked += 1
    assert checked >= 6


def test_docs_error_example(capsys, monkeypatch, tmp_path):
    """The journal with errors in the docs prints what the docs show, with exit 1."""
    blocks = _doc_blocks()
    index = [i for i, (lang, _) in enumerate(blocks) if lang == "journal"][1]
    monkeypatch.chdir(tmp_path)
    Path("bad.journal").write_text(blocks[index][1])
    code, out, err = run(capsys, "-f", "bad.journal", "aging")
    assert code == 1 and out == ""
    assert err == blocks[index + 2][1]


def test_docs_python_example_runs(monkeypatch):
    monkeypatch.chdir(REPO)
    code = next(body for lang, body in _doc_blocks() if lang == "python")
    namespace: dict = {}
    exec(compile(code, "docs/receivables.md", "exec"), namespace)
    assert namespace["letter"].closing[0].quantity == D("4100.00")
    assert namespace["report"].labels == ("current", "1-15", "16-30", "31-60", "61-90", "over 90")


def test_docs_worked_example(capsys, tmp_path):
    """The worked example journal in the docs ages to the numbers the docs give."""
    journal_block = next(body for lang, body in _doc_blocks() if lang == "journal")
    journal = textledger.loads(journal_block, file="example.journal")
    assert problems(journal) == ()
    rows = customer_rows(journal, dt.date(2026, 3, 31))
    assert rows == {
        "Acme Corp": {"current": D("0"), "1-30": D("700.00"), "31-60": D("0"), "61-90": D("0"), "over 90": D("0"),
                      "unapplied": D("0"), "total": D("700.00")},
        "Birch Ltd": {"current": D("0"), "1-30": D("0"), "31-60": D("0"), "61-90": D("0"), "over 90": D("0"),
                      "unapplied": D("-50.00"), "total": D("-50.00")},
        "Cobalt Studio": {"current": D("900.00"), "1-30": D("0"), "31-60": D("0"), "61-90": D("0"),
                          "over 90": D("0"), "unapplied": D("0"), "total": D("900.00")},
    }
    path = tmp_path / "example.journal"
    path.write_text(journal_block)
    _, out, _ = run(capsys, "-f", str(path), "aging", "--as-of", "2026-03-31")
    shown = next(body for lang, body in _doc_blocks()[1:] if lang == "text" and "Acme Corp" in body)
    assert [line.rstrip() for line in shown.splitlines() if line.strip()] == \
        [line.rstrip() for line in out.splitlines() if line.strip()]


def test_an_item_knows_the_day_it_was_paid_in_full():
    journal = textledger.loads(
        "2026-01-05 Acme | Logo  ; invoice: INV-1\n  Assets:Receivable:Acme  $100\n  Income:Design\n\n"
        "2026-01-09 Acme | Flyer  ; invoice: INV-2\n  Assets:Receivable:Acme  $50\n  Income:Design\n\n"
        "2026-01-20 Acme | Part payment\n  Assets:Bank  $60\n  Assets:Receivable:Acme  $-60  ; invoice: INV-1\n\n"
        "2026-02-03 Acme | On account\n  Assets:Bank  $70\n  Assets:Receivable:Acme  $-70\n")
    on = {item.reference: item.settled for item in open_items(journal, dt.date(2026, 1, 31)).items}
    assert on == {"INV-1": None, "INV-2": None}
    later = {item.reference: item.settled for item in open_items(journal, dt.date(2026, 2, 28)).items}
    # the unnamed $70 settles the oldest due first: INV-1's last $40, then $30 of INV-2
    assert later == {"INV-1": dt.date(2026, 2, 3), "INV-2": None}


def test_a_payment_exceeding_the_invoice_it_names_leaves_the_excess_unapplied():
    """Issue 17, defect 8 (docs/receivables.md): the excess of money named to an invoice is an
    unapplied credit, not a payment of the customer's other open invoices; the next invoice
    uses it; the statement's aging says the same as the aging."""
    journal = load("""\
        2026-01-05 * Acme | an older invoice, still open
            Assets:Receivable:Acme   $100.00  ; invoice: OLD
            Income
        2026-01-10 * Acme
            Assets:Receivable:Acme   $500.00  ; invoice: INV-2
            Income
        2026-01-20 * Acme | paid more than INV-2
            Assets:Bank   $600.00
            Assets:Receivable:Acme  ; invoice: INV-2
        2026-01-21 * Acme | credit note naming OLD, larger than it
            ; credit-note: CN-1
            Income   $130.00
            Assets:Receivable:Acme  ; invoice: OLD
        2026-02-01 * Acme | the next invoice
            Assets:Receivable:Acme   $250.00  ; invoice: INV-3
            Income
        """)
    january = open_items(journal, dt.date(2026, 1, 20))
    assert {i.reference: i.open for i in january.items} == {"OLD": D("100.00"), "INV-2": 0}
    assert [(c.party, c.amount) for c in january.credits] == [("Acme", D("-100.00"))]
    row = customer_rows(journal, dt.date(2026, 1, 20))["Acme"]
    assert (row["unapplied"], row["total"]) == (D("-100.00"), 0)
    items = open_items(journal, dt.date(2026, 2, 1))
    assert {i.reference: i.open for i in items.items} == {"OLD": 0, "INV-2": 0, "INV-3": D("120.00")}
    assert items.credits == ()
    for as_of in (dt.date(2026, 1, 20), dt.date(2026, 1, 31), dt.date(2026, 2, 1)):
        shown = statement(journal, "Acme", as_of)
        assert shown.aging.rows == aging(open_items(journal, as_of)).rows
        assert sum(a.quantity for a in shown.closing) == shown.aging.rows[0].total


NEW_COMPANY = """\
    account Liabilities:Sales Tax   ; type: liability
    2026-11-01 * Owner | the company opens
        Assets:Bank   $10,000.00
        Equity:Owner
    2026-11-05 * Acme
        Assets:Receivable:Acme   $1,100.00  ; invoice: INV-1
        Income:Design           $-1,000.00
        Liabilities:Sales Tax     $-100.00
    2026-11-10 * Birch
        Assets:Receivable:Birch  $2,200.00  ; invoice: INV-2
        Income:Design           $-2,000.00
        Liabilities:Sales Tax     $-200.00
    2026-11-20 * Birch | credit note for half the job
        ; credit-note: CN-1
        Income:Design            $1,000.00
        Liabilities:Sales Tax      $100.00
        Assets:Receivable:Birch  ; invoice: INV-2
    2026-11-25 * Acme | paid
        Assets:Bank   $1,100.00
        Assets:Receivable:Acme  ; invoice: INV-1
    """


def test_dso_starts_with_the_books_and_divides_by_net_sales_less_credit_notes():
    """Issue 17, defect 2: a company that opened on 11-01 has 30 days of history, not 90; its
    credit sales are $3,000 of invoices less the $1,000 credit note, without the sales tax."""
    journal = load(NEW_COMPANY)
    items = open_items(journal, dt.date(2026, 11, 30))
    (figure,) = days_outstanding(journal, items, dt.date(2026, 9, 2))
    # $1,100 open (Birch, with its tax) / $2,000 of net credit sales x 30 days = 16.5
    assert (figure.begin, figure.days, figure.outstanding, figure.credit_sales, figure.value) == (
        dt.date(2026, 11, 1), 30, D("1100.00"), D("2000.00"), D("16.5"))


def test_the_month_end_pack_shows_the_dso_of_the_books_history(capsys, tmp_path):
    path = tmp_path / "new.journal"
    path.write_text(textwrap.dedent(NEW_COMPANY))
    code, out, _ = run(capsys, "-f", path, "report", "--month", "2026-11")
    assert code == 0
    assert "Days sales outstanding over the last 30 days: 16.5" in out
    code, out, _ = run(capsys, "-f", path, "aging", "--as-of", "2026-11-30")
    assert "DSO 2026-11-01 to 2026-11-30 (30 days): 16.5 days" in out
