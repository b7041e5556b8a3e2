"""The forms that write: add a transaction, record a customer payment against chosen open
invoices, run payroll for a date.

Each is one page in two steps: "Preview" shows the entry as it will be written and the
errors next to their fields (the journal is loaded with it, from a copy); "Write" does the
same checks again and appends it through io/ (locked, atomic, checked against the journal
as it is then). A form that writes is only ever sent by POST with the page's CSRF token
(app.py). Only the journal's own files can be written: the target is chosen from them.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Flask, abort, render_template, request

from textledger.core.amounts import format_amount, plain_number
from textledger.core.lines import parse_date
from textledger.core.printer import format_entry
from textledger.core.records import Amount, Journal, JournalError
from textledger.io import entries
from textledger.io.appending import AppendRefused
from textledger.io.entries import ENTRY, Draft, PostingRow, one_more
from textledger.web.app import journal_page, settings

ROWS = 6
"""Posting rows the add form offers (more with `rows=`)."""


def add_routes(app: Flask) -> None:
    app.add_url_rule("/add", "add", add_page, methods=["GET", "POST"])
    app.add_url_rule("/payment", "payment", payment_page, methods=["GET", "POST"])
    app.add_url_rule("/payroll/run", "payroll_run", payroll_run_page, methods=["GET", "POST"])


def _forms_allowed() -> None:
    if settings().read_only:
        abort(403, "this server is read-only (--read-only): nothing can be written")


def _target(journal: Journal) -> str:
    """The file to write: one of the journal's own files (the first by default)."""
    files = _writable(journal)
    chosen = request.form.get("file") or files[0]
    if chosen not in files:
        abort(400, f"{chosen!r} is not one of the journal's files: only they can be written")
    return chosen


def _writable(journal: Journal) -> list[str]:
    return list(dict.fromkeys([*settings().books.files, *journal.files]))


def _finish(journal: Journal, draft: Draft, template: str, landed, **context):
    """Preview the draft, or write it when asked and it has no errors."""
    written = False
    if draft.ok and request.form.get("action") == "write":
        try:
            entries.write(draft, settings().books.files, journal, landed)
        except AppendRefused as error:
            draft.errors.setdefault(ENTRY, []).append(str(error))
        except JournalError as error:
            draft.errors.setdefault(ENTRY, []).extend(
                f"{problem.file}:{problem.line}: {problem.message}" if problem.line else problem.message
                for problem in error.problems if not problem.warning)
        else:
            written = True
            settings().books.forget()
    status = 200 if draft.ok or request.method == "GET" else 422
    return render_template(template, draft=draft, written=written, targets=_writable(journal), **context), status


def _completions(journal: Journal) -> dict[str, list[str]]:
    accounts = {declaration.name for declaration in journal.accounts}
    accounts.update(posting.account for transaction in journal.transactions for posting in transaction.postings)
    payees = {transaction.payee for transaction in journal.transactions if transaction.payee}
    commodities = {declaration.symbol for declaration in journal.commodities} | set(journal.style_map())
    return {"accounts": sorted(accounts), "payees": sorted(payees), "commodities": sorted(c for c in commodities if c)}


# ---------------------------------------------------------------- a transaction


@journal_page
def add_page(journal: Journal):
    _forms_allowed()
    form = request.form
    rows = max(ROWS, min(40, int(request.values.get("rows", "0")) if request.values.get("rows", "").isdigit() else 0))
    if request.method == "GET":
        today = settings().today().isoformat()
        return render_template("add.html", title="Add a transaction", draft=None, written=False, values={"date": today},
                               rows=rows, targets=_writable(journal), **_completions(journal))
    errors: dict[str, list[str]] = {}
    date = entries.entry_date(form.get("date", ""), "date", errors)
    status = form.get("status", "")
    if status not in ("", "*", "!"):
        errors.setdefault("status", []).append("choose cleared (*), pending (!) or none")
    code = entries.one_line(form.get("code", ""), "code", errors)
    if ")" in code:
        errors.setdefault("code", []).append("a code has no `)`")
    description = entries.one_line(form.get("description", ""), "description", errors, required=True)
    comment = entries.one_line(form.get("comment", ""), "comment", errors)
    postings: list[PostingRow] = []
    for number in range(rows):
        field = f"posting-{len(postings)}"
        account = entries.account_name(form.get(f"account-{number}", ""), field, errors)
        amount = entries.one_line(form.get(f"amount-{number}", ""), field, errors)
        note = entries.one_line(form.get(f"note-{number}", ""), field, errors)
        if account:
            postings.append(PostingRow(account, amount, note))
        elif amount or note:
            errors.setdefault(field, []).append("an amount needs an account")
    if len(postings) < 2:
        errors.setdefault(ENTRY, []).append("an entry needs two postings or more")
    target = _target(journal)
    text, fields = entries.transaction_text(date, status, code, description, comment, postings)
    if not errors:
        errors = entries.misread(text, description, code, [posting.account for posting in postings])
    draft = entries.prepare(journal, settings().books.files, target, text, fields, settings().strict, errors)

    def same(books: Journal) -> int:
        day = entries.iso_date(date)
        return sum(1 for t in books.transactions if t.description == description and t.date.isoformat() == day)

    return _finish(journal, draft, "add.html", one_more(journal, same), title="Add a transaction",
                   values=form, rows=rows, **_completions(journal))



# ---------------------------------------------------------------- a customer payment


def _amount(text: str) -> Decimal | None:
    return plain_number(text.replace(",", ""))


@journal_page
def payment_page(journal: Journal):
    from textledger.cash.forecast import ForecastError, cash_accounts
    from textledger.receivables.openitems import RECEIVABLES, check, open_items, parties

    _forms_allowed()
    problems = journal.sources.with_context(check(journal, (RECEIVABLES,)))
    if problems:
        return render_template("broken.html", title="Record a payment", problems=problems), 500
    customer = request.values.get("customer", "")
    customers = parties(journal, RECEIVABLES)
    if customer and customer not in customers:
        abort(400, f"there is no customer {customer!r} in the journal")
    try:
        banks = list(cash_accounts(journal))
    except ForecastError:
        banks = []
    today = settings().today()
    items = [item for item in open_items(journal, today, RECEIVABLES).outstanding()
             if item.party == customer and item.invoice is not None] if customer else []
    styles = journal.style_map()
    context = {"title": "Record a payment", "customers": customers, "customer": customer, "banks": banks,
               "items": [(item, format_amount(Amount(item.open, item.commodity), styles)) for item in items]}
    if request.method == "GET" or request.form.get("action") == "choose":
        values = {"date": today.isoformat(), "bank": banks[0] if banks else "", "description": "Payment"}
        return render_template("payment.html", draft=None, written=False, values=values,
                               targets=_writable(journal), **context)
    form = request.form
    errors: dict[str, list[str]] = {}
    date = entries.entry_date(form.get("date", ""), "date", errors)
    bank = entries.account_name(form.get("bank", ""), "bank", errors)
    if not bank:
        errors.setdefault("bank", []).append("required: the account the money went into")
    note = entries.one_line(form.get("description", ""), "description", errors)
    chosen = form.getlist("invoice")
    postings: list[PostingRow] = []
    total: dict[str, Decimal] = {}
    by_reference = {item.reference: item for item in items}
    for reference in chosen:
        item = by_reference.get(reference)
        if item is None:
            errors.setdefault(ENTRY, []).append(f"{reference} is not an open invoice of {customer}")
            continue
        field = f"invoice-{reference}"
        paid = _amount(form.get(f"amount-{reference}", ""))
        if paid is None or paid <= 0:
            errors.setdefault(field, []).append("write the amount paid, more than 0")
            continue
        if paid > item.open:
            errors.setdefault(field, []).append(f"more than is open ({format_amount(Amount(item.open, item.commodity), styles)})")
            continue
        account, tags = _receivable_posting(journal, item)
        postings.append(PostingRow(account, format_amount(Amount(-paid, item.commodity), styles),
                                   ", ".join([f"invoice: {item.invoice}", *tags])))
        total[item.commodity] = total.get(item.commodity, Decimal(0)) + paid
    if not chosen:
        errors.setdefault(ENTRY, []).append("choose the invoices this payment settles")
    bank_rows = [PostingRow(bank, format_amount(Amount(quantity, commodity), styles), "")
                 for commodity, quantity in sorted(total.items())]
    description = f"{customer} | {note}" if note else customer
    text, fields = entries.transaction_text(date, "*", "", description, "", [*bank_rows, *postings])
    fields = [ENTRY, *(["bank"] * len(bank_rows)), *(f"invoice-{posting.comment.split()[1].rstrip(',')}"
                                                              for posting in postings)]
    draft = entries.prepare(journal, settings().books.files, _target(journal), text, fields, settings().strict, errors)

    def paid_count(books: Journal) -> int:
        day = entries.iso_date(date)
        return sum(1 for t in books.transactions if t.description == description and t.date.isoformat() == day)

    return _finish(journal, draft, "payment.html", one_more(journal, paid_count), values=form, chosen=chosen, **context)


def _receivable_posting(journal: Journal, item) -> tuple[str, list[str]]:
    """The account an invoice was posted to, and the `customer:` tag to repeat when the
    account is shared by several customers (the payment must name the same one)."""
    from textledger.web.browse import find_transaction

    source = item.source
    transaction = find_transaction(journal, source.file, source.line) if source is not None else None
    posting = next((p for p in transaction.postings if p.source == source), None) if transaction is not None else None
    if transaction is None or posting is None:
        abort(500, f"the posting of {item.reference} is not in the journal")
    tagged = posting.tag("customer") or transaction.tag("customer")
    return posting.account, ([f"customer: {tagged}"] if tagged else [])


# ---------------------------------------------------------------- a pay run


@journal_page
def payroll_run_page(journal: Journal):
    from textledger.payroll.slips import (
        CENT,
        PayrollError,
        PayrollRules,
        compute_slip,
        minor_unit,
        parse_hours,
        recorded_runs,
        slip_transaction,
    )

    _forms_allowed()
    rules = PayrollRules.from_journal(journal)
    context = {"title": "Run payroll", "employees": rules.employee_ids()}
    if request.method == "GET":
        return render_template("payroll_run.html", draft=None, written=False, targets=_writable(journal),
                               values={"date": settings().today().isoformat()}, due=(), hourly=set(), **context)
    form = request.form
    errors: dict[str, list[str]] = {}
    date = entries.entry_date(form.get("date", ""), "date", errors)
    due: tuple[str, ...] = ()
    hourly: set[str] = set()
    paying: list[str] = []  # those with pay to write (a run with no gross pay is left out, as `payroll run` does)
    texts: list[str] = []
    fields: list[str] = []
    if not rules.employees:
        errors.setdefault(ENTRY, []).append("the journal defines no employees (see docs/payroll.md)")
    elif "date" not in errors:
        day = parse_date(date)
        due = rules.due_on(day)
        if not due:
            errors.setdefault("date", []).append(f"nobody is paid on {day}")
        history = recorded_runs(journal.transactions)
        styles = journal.style_map()
        for ident in due:
            if any((run.employee, run.date) == (ident, day) for run in history):
                errors.setdefault("date", []).append(f"{ident} is already paid on {day}")
                continue
            hours = None
            person = rules.employee(ident, day)
            if person is not None and person.hourly is not None:
                hourly.add(ident)
                if not form.get(f"hours-{ident}", "").strip():
                    errors.setdefault(f"hours-{ident}", []).append(
                        f"{ident} is paid by the hour: write the hours worked (80, or 44+41 for each week)")
                    continue
                try:
                    hours = parse_hours(form.get(f"hours-{ident}", ""))
                except PayrollError as error:
                    errors.setdefault(f"hours-{ident}", []).append(str(error))
                    continue
            unit = minor_unit(journal, person.commodity) if person is not None else CENT
            try:
                slip = compute_slip(rules, ident, day, hours, history, unit)
            except PayrollError as error:
                errors.setdefault(f"hours-{ident}", []).append(str(error))
                continue
            if slip.gross:
                paying.append(ident)
                entry = format_entry(slip_transaction(slip), styles)
                texts.append(entry)
                fields += [f"hours-{ident}"] * entry.count("\n") + [ENTRY]  # and the blank line after it
    text = "\n".join(texts)
    draft = entries.prepare(journal, settings().books.files, _target(journal), text, fields or ["date"],
                            settings().strict, errors)
    paid = {(ident, entries.iso_date(date)) for ident in paying}  # empty unless the date was read

    def runs(books: Journal) -> int:
        return sum(1 for run in recorded_runs(books.transactions) if (run.employee, run.date.isoformat()) in paid)

    landed = one_more(journal, lambda books: 0 if runs(books) < len(paid) else 1)
    return _finish(journal, draft, "payroll_run.html", landed, values=form, due=due, hourly=hourly, **context)
