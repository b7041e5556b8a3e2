"""Invoices as journal entries: the entry `invoice new` writes, the invoice rebuilt from an
entry, and the billing part of `check`.

An invoice is a transaction with an `invoice: ID` tag on a receivable posting (receivables'
convention). Each revenue posting may carry its line: `; line: DESCRIPTION, qty: 2,
price: $250.00, tax: CODE`; each sales-tax posting is on a tax code's liability account
with `; tax: CODE, taxable: $500.00`. Tag values end at a comma, so a description has
none and a price is written without thousands separators.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

import attrs

from textledger.billing.details import BillingDetails, Customer, TaxCode, problem_at, read_details, sequence_parts
from textledger.core.amounts import decimal_string, format_amount, format_number, plain_number, quote_symbol
from textledger.core.lines import LineError, parse_amount
from textledger.core.records import Amount, Journal, Posting, Problem, Source, Style, Tags, Transaction
from textledger.receivables.openitems import RECEIVABLES, Conventions, side_postings, terms_days

ZERO = Decimal(0)
DEFAULT_ACCOUNT = "Income:Sales"


class BillingError(Exception):
    """Something an invoice cannot be made from (a usage error for the command)."""


@attrs.frozen(kw_only=True)
class InvoiceLine:
    """One line of an invoice: what was sold, how many, at what unit price, taxed by what code."""

    description: str
    quantity: Decimal
    price: Decimal
    commodity: str
    taxcode: str = ""
    account: str = DEFAULT_ACCOUNT
    source: Source | None = attrs.field(default=None, eq=False)

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.price


@attrs.frozen(kw_only=True)
class TaxLine:
    """The sales tax of one code on one invoice."""

    code: str
    account: str
    taxable: Decimal
    amount: Decimal
    source: Source | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class Invoice:
    """An invoice as the journal records it: total = sum of lines + sum of taxes."""

    number: str
    date: dt.date
    customer: str
    account: str
    commodity: str
    lines: tuple[InvoiceLine, ...]
    taxes: tuple[TaxLine, ...]
    total: Decimal
    transaction: Transaction = attrs.field(eq=False, repr=False)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((tax.amount for tax in self.taxes), ZERO)


# ---------------------------------------------------------------- making one


def price_text(quantity: Decimal, commodity: str, style: Style) -> str:
    """An amount for a tag value: no thousands separator and `.` as the decimal mark,
    since a comma ends a tag's value."""
    number = format_number(quantity, attrs.evolve(style, thousands="", decimal_mark="."))
    if not commodity:
        return number
    symbol = quote_symbol(commodity)
    space = " " if style.spaced or not style.left else ""
    return f"{symbol}{space}{number}" if style.left else f"{number}{space}{symbol}"


def read_price(text: str, commodities: Sequence[str]) -> Amount:
    """A price as `price_text` writes it (or as a user types it): `$250.00`, `250.00 EUR`."""
    marks = dict.fromkeys((*commodities, ""), ".")
    return parse_amount(text, 0, marks)[0]


def round_tax(amount: Decimal, commodity: str, styles: Mapping[str, Style]) -> Decimal:
    """Tax rounded half up to the commodity's minor unit (its style's precision, at least cents)."""
    precision = styles[commodity].precision if commodity in styles else 2
    return amount.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def taxes_for(lines: Sequence[InvoiceLine], details: BillingDetails, customer: Customer | None, day: dt.date,
              styles: Mapping[str, Style]) -> tuple[TaxLine, ...]:
    """The tax per code of these lines: none for an exempt customer; each code's taxable
    total times its rate on `day`, rounded once per code."""
    taxable: dict[str, Decimal] = defaultdict(Decimal)
    commodity = ""
    for line in lines:
        if line.taxcode:
            if details.taxcode(line.taxcode) is None:
                codes = ", ".join(t.code for t in details.taxcodes) or "none declared"
                raise BillingError(f"unknown tax code {line.taxcode!r} (codes: {codes})")
            taxable[line.taxcode] += line.amount
            commodity = line.commodity
    if customer is not None and customer.exempt:
        return ()
    found = []
    for code, base in taxable.items():
        taxcode = details.taxcode(code)
        assert taxcode is not None
        found.append(TaxLine(code=code, account=taxcode.account, taxable=base,
                             amount=round_tax(base * taxcode.rate_on(day), commodity, styles)))
    return tuple(found)


def next_number(journal: Journal, details: BillingDetails) -> str:
    """The sequence's next number: one after the highest issued, else its first."""
    start = details.company.sequence if details.company else "INV-1001"
    parts = sequence_parts(start)
    if parts is None:
        raise BillingError(f"sequence {start!r} is not a prefix and digits")
    prefix, first, width = parts
    highest = max((number for number, _, _ in _numbered(journal, prefix, first)), default=first - 1)
    return f"{prefix}{highest + 1:0{width}d}"


def invoice_transaction(number: str, customer: Customer, day: dt.date, due: dt.date, lines: Sequence[InvoiceLine],
                        taxes: Sequence[TaxLine], styles: Mapping[str, Style]) -> Transaction:
    """The balanced entry of a new invoice."""
    commodity = lines[0].commodity
    style = styles.get(commodity, Style())
    total = sum((line.amount for line in lines), ZERO) + sum((tax.amount for tax in taxes), ZERO)
    postings = [Posting(account=customer.account, amount=Amount(total, commodity))]
    for line in lines:
        comment = f"line: {line.description}, qty: {line.quantity}, price: {price_text(line.price, commodity, style)}"
        if line.taxcode:
            comment += f", tax: {line.taxcode}"
        postings.append(Posting(account=line.account, amount=Amount(-line.amount, commodity), comment=comment))
    for tax in taxes:
        postings.append(Posting(account=tax.account, amount=Amount(-tax.amount, commodity),
                                comment=f"tax: {tax.code}, taxable: {price_text(tax.taxable, commodity, style)}"))
    tags: Tags = (("invoice", number), ("due", due.isoformat()))
    if customer.account.rsplit(":", 1)[-1] != customer.name:
        tags += (("customer", customer.name),)
    return Transaction(date=day, status="*", code=number, description=f"{customer.name} | Invoice {number}",
                       comment=", ".join(f"{key}: {value}" for key, value in tags), tags=tags, postings=tuple(postings))


def due_date(journal: Journal, customer: Customer, day: dt.date) -> dt.date:
    """The invoice date plus the customer's terms (net 30 when none)."""
    terms = Conventions(journal, RECEIVABLES).declared_terms(customer.account, customer.name, False)
    days = terms_days(terms) if terms else None
    return day + dt.timedelta(days=30 if days is None else days)


def parse_line(text: str, commodities: Sequence[str], default_commodity: str) -> InvoiceLine:
    """`DESCRIPTION QTY PRICE [tax CODE] [ACCOUNT]`, e.g. `Brochure print run 2 $250 tax wa Income:Print`.

    Read from the right: the price is the last word that reads as an amount after a
    quantity, with nothing after it but `tax CODE` and an account (a name with a colon)."""
    words = text.split()
    for index in range(len(words) - 1, 1, -1):
        rest = words[index + 1:]
        taxcode = ""
        if rest[:1] == ["tax"]:
            if len(rest) < 2:
                continue
            taxcode, rest = rest[1], rest[2:]
        if rest and ":" not in rest[0]:
            continue
        quantity = plain_number(words[index - 1])
        if quantity is None or quantity <= 0:
            continue
        try:
            price = read_price(words[index], commodities)
        except LineError:
            continue
        description = " ".join(words[:index - 1])
        if "," in description or not description:
            raise BillingError(f"--line {text!r}: the description must be non-empty and have no comma"
                               " (a comma ends a tag's value in the journal)")
        return InvoiceLine(description=description, quantity=quantity, price=price.quantity,
                           commodity=price.commodity or default_commodity, taxcode=taxcode,
                           account=" ".join(rest) or DEFAULT_ACCOUNT)
    raise BillingError(f"--line {text!r}: write DESCRIPTION QTY PRICE [tax CODE] [ACCOUNT],"
                       " e.g. \"Brochure print run 2 $250.00 tax wa Income:Print Production\" (is the price missing?)")




# ---------------------------------------------------------------- reading them back


def invoices(journal: Journal) -> tuple[Invoice, ...]:
    """Every invoice in the journal, rebuilt from its entry (in journal order). An entry
    with no `line:` postings (an older invoice) gets one line per revenue posting."""
    details, _ = read_details(journal)
    tax_accounts = details.tax_accounts()
    commodities = [symbol for symbol, _ in journal.styles]
    found = []
    seen: set[tuple[int, str]] = set()
    for entry in side_postings(journal, RECEIVABLES):
        if entry.reference is None or entry.owed <= 0 or (id(entry.transaction), entry.reference) in seen:
            continue
        seen.add((id(entry.transaction), entry.reference))
        found.append(_invoice(entry.transaction, entry.posting, entry.party, entry.reference, tax_accounts, commodities))
    return tuple(found)


def _invoice(transaction: Transaction, receivable: Posting, party: str, number: str,
             tax_accounts: Mapping[str, TaxCode], commodities: Sequence[str]) -> Invoice:
    commodity = receivable.amount.commodity if receivable.amount else ""
    lines, taxes = [], []
    for posting in transaction.postings:
        if posting is receivable or posting.amount is None or posting.amount.commodity != commodity:
            continue
        if posting.account in tax_accounts:
            taxable = posting.tag("taxable")
            base = _tag_amount(taxable, commodities) if taxable else None
            taxes.append(TaxLine(code=tax_accounts[posting.account].code, account=posting.account,
                                 taxable=base if base is not None else ZERO, amount=-posting.amount.quantity,
                                 source=posting.source))
        elif posting.tag("line") is not None:
            lines.append(_line(transaction, posting, commodities))
    total = receivable.amount.quantity if receivable.amount else ZERO
    if not lines:  # an entry with no line detail: the invoice is one line, its amount before tax
        net = total - sum((tax.amount for tax in taxes), ZERO)
        lines.append(InvoiceLine(description=transaction.note or transaction.description, quantity=Decimal(1),
                                 price=net, commodity=commodity, account="", source=receivable.source))
    return Invoice(number=number, date=transaction.date, customer=party, account=receivable.account, commodity=commodity,
                   lines=tuple(lines), taxes=tuple(taxes), total=total, transaction=transaction)


def line_of(posting: Posting, commodities: Sequence[str]) -> InvoiceLine | None:
    """The line a posting's `line:`, `qty:`, `price:` and `tax:` tags describe (None when
    a price or the quantity is missing or unreadable)."""
    description = posting.tag("line")
    price = _tag_amount(posting.tag("price"), commodities)
    quantity = plain_number((posting.tag("qty") or "").strip())
    if description is None or price is None or quantity is None:
        return None
    commodity = posting.amount.commodity if posting.amount is not None else ""
    return InvoiceLine(description=description.strip(), quantity=quantity, price=price, commodity=commodity,
                       taxcode=(posting.tag("tax") or "").strip(), account=posting.account, source=posting.source)


def _line(transaction: Transaction, posting: Posting, commodities: Sequence[str]) -> InvoiceLine:
    assert posting.amount is not None
    amount = -posting.amount.quantity
    description = posting.tag("line")
    line = line_of(posting, commodities)
    if description is None or line is None:
        # no line detail (or incomplete: `check` says so): the posting is the line
        return InvoiceLine(description=(description or transaction.note or transaction.description).strip(),
                           quantity=Decimal(1), price=amount, commodity=posting.amount.commodity,
                           taxcode=(posting.tag("tax") or "").strip(), account=posting.account, source=posting.source)
    return line


def _tag_amount(text: str | None, commodities: Sequence[str]) -> Decimal | None:
    if text is None or not text.strip():
        return None
    try:
        return read_price(text, commodities).quantity
    except LineError:
        return None


def _numbered(journal: Journal, prefix: str, first: int) -> list[tuple[int, str, Source | None]]:
    """(number, customer, where) of each invoice of the sequence, once per transaction."""
    found = []
    seen: set[tuple[int, str]] = set()
    for entry in side_postings(journal, RECEIVABLES):
        reference = entry.reference
        if reference is None or entry.owed <= 0 or not reference.startswith(prefix):
            continue
        digits = reference[len(prefix):]
        if not digits.isdigit() or not digits.isascii() or int(digits) < first:
            continue
        if (id(entry.transaction), reference) in seen:
            continue
        seen.add((id(entry.transaction), reference))
        found.append((int(digits), entry.party, entry.transaction.source or entry.posting.source))
    return found



# ---------------------------------------------------------------- check


def check(journal: Journal) -> list[Problem]:
    """The billing part of `check`: unreadable details; invoice lines with no price, an
    unknown tax code or an amount that is not quantity × price; tax postings that do not
    match their code's rate; gaps and duplicates in the invoice number sequence."""
    details, problems = read_details(journal)
    if details.company is None and not details.taxcodes and not _has_lines(journal):
        return problems  # a journal that does no billing: nothing more to check
    styles = journal.style_map()
    for invoice in invoices(journal):
        problems.extend(_invoice_problems(journal, details, invoice, styles))
    if details.company is not None:
        problems.extend(_sequence_problems(journal, details))
    order = {file: index for index, file in enumerate(journal.files)}
    return sorted(problems, key=lambda p: (order.get(p.file, len(order)), p.line, p.column))


def _has_lines(journal: Journal) -> bool:
    return any(posting.tag("line") is not None for transaction in journal.transactions for posting in transaction.postings)


def _invoice_problems(journal: Journal, details: BillingDetails, invoice: Invoice,
                      styles: Mapping[str, Style]) -> list[Problem]:
    problems = []
    commodities = [symbol for symbol, _ in journal.styles]
    for posting in invoice.transaction.postings:
        if posting.tag("line") is None or posting.source is None or posting.amount is None:
            continue
        price = posting.tag("price")
        unit = _tag_amount(price, commodities)
        quantity = plain_number((posting.tag("qty") or "1").strip())
        if price is None or unit is None:
            problems.append(problem_at(journal, posting.source, "line:", "this invoice line has no price: add"
                                       " `price: AMOUNT` (the unit price, e.g. `price: $250.00`) to its tags"))
        elif quantity is None:
            problems.append(problem_at(journal, posting.source, "qty:", "qty: write a number, e.g. `qty: 2`"))
        elif quantity * unit != -posting.amount.quantity:
            problems.append(problem_at(journal, posting.source, "price:", f"this line's amount is not qty × price"
                                       f" ({quantity} × {price.strip()} = {quantity * unit}): fix the amount or the tags"))
        code = (posting.tag("tax") or "").strip()
        if code and details.taxcode(code) is None:
            problems.append(problem_at(journal, posting.source, "tax:", f"unknown tax code {code!r}: declare it on its"
                                       " liability account (`account ...  ; taxcode: CODE` with a `rate:`)"))
    def money(quantity: Decimal) -> str:
        return format_amount(Amount(quantity, invoice.commodity), styles)

    customer = details.customer(invoice.customer)
    known = [line for line in invoice.lines if not line.taxcode or details.taxcode(line.taxcode) is not None]
    expected = {tax.code: tax for tax in taxes_for(known, details, customer, invoice.date, styles)}
    for tax in invoice.taxes:
        source = tax.source or invoice.transaction.source
        if source is None:
            continue
        want = expected.pop(tax.code, None)
        if customer is not None and customer.exempt:
            problems.append(problem_at(journal, source, tax.account, f"{customer.name} is tax-exempt"
                                       f" (`salestax: exempt`), but this invoice charges {tax.code} tax"))
        elif want is None:
            problems.append(problem_at(journal, source, tax.account, f"a {tax.code} tax posting, but no line of this"
                                       f" invoice has `tax: {tax.code}`"))
        elif want.amount != tax.amount:
            rate = details.taxcode(tax.code).rate_on(invoice.date) * 100  # type: ignore[union-attr]
            problems.append(problem_at(journal, source, tax.account, f"{tax.code} tax is {money(tax.amount)}, but"
                                       f" {decimal_string(rate.normalize())}% of the taxable {money(want.taxable)}"
                                       f" is {money(want.amount)}"))
    for code, want in expected.items():
        if want.amount and invoice.transaction.source is not None:
            problems.append(problem_at(journal, invoice.transaction.source, "invoice:", f"no {code} tax posting:"
                                       f" {money(want.amount)} of tax on {money(want.taxable)} is missing"
                                       f" (to {want.account})"))
    return problems


def _sequence_problems(journal: Journal, details: BillingDetails) -> list[Problem]:
    assert details.company is not None
    parts = sequence_parts(details.company.sequence)
    if parts is None:
        return []
    prefix, first, width = parts
    numbered = _numbered(journal, prefix, first)
    problems = []
    by_number: dict[int, tuple[str, Source | None]] = {}
    for number, party, source in numbered:
        earlier = by_number.get(number)
        if earlier is None:
            by_number[number] = (party, source)
        elif earlier[0] != party and source is not None:  # one customer's duplicates: receivables reports them
            where = f" at {earlier[1].file}:{earlier[1].line}" if earlier[1] else ""
            problems.append(problem_at(journal, source, f"{prefix}{number:0{width}d}",
                                       f"duplicate invoice number {prefix}{number:0{width}d}: already issued to"
                                       f" {earlier[0]}{where}; the next free number is"
                                       f" {prefix}{max(n for n, _, _ in numbered) + 1:0{width}d}"))
    numbers = sorted(by_number)
    for before, after in itertools.pairwise(numbers):
        source = by_number[after][1]
        if after > before + 1 and source is not None:
            missing = f"{prefix}{before + 1:0{width}d}" + (f" to {prefix}{after - 1:0{width}d}" if after > before + 2 else "")
            problems.append(problem_at(journal, source, f"{prefix}{after:0{width}d}",
                                       f"gap in the invoice sequence: {missing} missing before {prefix}{after:0{width}d}"
                                       " (void an invoice with a zero entry rather than leave its number out)"))
    return problems
