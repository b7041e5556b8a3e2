"""Benchmark load + balance of textledger against ledger and hledger.

Generates deterministic journals of each shape and size (cached under --out: a small
business, deep accounts with 8-decimal amounts, 26 commodities traded at a cost) and times
`TOOL -f FILE bal` for each journal and tool, the tools in turn (paired), textledger both
cold (`--no-cache`) and warm (from its journal cache); the example company's journal
measures start-up.  Run `python bench/bench.py --help`.
"""

import argparse
import bisect
import datetime
import heapq
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Bump when the generator's output changes, so stale cached journals are not reused.
GENERATOR_VERSION = 2
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_TOOLS = ("textledger-cold", "textledger-warm", "ledger", "hledger")
TOOLS = DEFAULT_TOOLS + ("textledger",)
"""textledger-cold runs `--no-cache`; textledger-warm runs from the journal cache, which its
warm-up run fills; plain textledger runs as a user would (with the cache)."""
DEFAULT_OUT = Path(__file__).resolve().parent / ".cache"
STARTUP_JOURNAL = Path(__file__).resolve().parent.parent / "journals" / "studio.journal"
"""The example company (~400 transactions): what a command costs when loading is small."""

START_DATE = datetime.date(2019, 1, 1)
SPAN_DAYS = 6 * 365
CUSTOMERS = tuple(f"Customer {n:03d}" for n in range(1, 101))
VENDORS = tuple(f"Vendor {n:02d}" for n in range(1, 61))
EXPENSES = (
    "Expenses:Rent", "Expenses:Utilities:Electricity", "Expenses:Utilities:Water",
    "Expenses:Utilities:Internet", "Expenses:Telephone", "Expenses:Office:Supplies",
    "Expenses:Office:Software", "Expenses:Office:Postage", "Expenses:Office:Furniture",
    "Expenses:Travel:Airfare", "Expenses:Travel:Lodging", "Expenses:Travel:Meals",
    "Expenses:Meals", "Expenses:Insurance", "Expenses:Professional:Legal",
    "Expenses:Professional:Accounting", "Expenses:Marketing:Advertising",
    "Expenses:Marketing:Events", "Expenses:Bank Fees", "Expenses:Vehicle:Fuel",
    "Expenses:Vehicle:Maintenance", "Expenses:Repairs", "Expenses:Cost of Goods Sold",
    "Expenses:Shipping", "Expenses:Training", "Expenses:Subscriptions",
    "Expenses:Equipment", "Expenses:Cleaning",
)
CHECKING = "Assets:Bank:Checking"
SAVINGS = "Assets:Bank:Savings"
CASH = "Assets:Cash"
CARD = "Liabilities:Credit Card"
SALES_TAX = "Liabilities:Sales Tax"
INCOME_TAX = "Liabilities:Payroll:Income Tax"
SOCIAL_SECURITY = "Liabilities:Payroll:Social Security"
WAGES = "Expenses:Payroll:Wages"
SALES = "Income:Sales"
SERVICES = "Income:Services"
OPENING = "Equity:Opening"
FOREIGN_PAYEES = ("Hotel Europa", "Lufthansa", "Berlin Software GmbH", "Cafe Nord")
RETAIL_PAYEES = ("Office Depot", "Shell", "Amazon", "Staples", "FedEx", "Diner 24")


def receivable(customer):
    """Receivable account of a customer: the default place textledger looks for them."""
    return f"Assets:Receivable:{customer}"


def payable(vendor):
    """Payable account of a vendor, under Liabilities:Payable."""
    return f"Liabilities:Payable:{vendor}"


def all_accounts():
    """The ~200 declared accounts, so strict account checking in any tool passes."""
    fixed = (CHECKING, SAVINGS, CASH, CARD, SALES_TAX, INCOME_TAX, SOCIAL_SECURITY,
             WAGES, SALES, SERVICES, OPENING)
    return (fixed + tuple(map(receivable, CUSTOMERS)) + tuple(map(payable, VENDORS))
            + EXPENSES)


def usd(cents):
    """Format integer cents as `$1,234.56` / `$-1,234.56` (both tools read both signs)."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"${sign}{dollars:,}.{rest:02d}"


def posting(account, amount=None, comment=""):
    """One posting line; amount None elides it so the tools must infer it."""
    line = f"    {account:<36}  {amount:>13}" if amount else f"    {account}"
    return f"{line}  ; {comment}\n" if comment else line + "\n"


def pick(rng, items):
    """Uniform choice that only uses random() so output is stable across Pythons."""
    return items[int(rng.random() * len(items))]


def entry_header(rng, date, description, comment=""):
    """Transaction first line: date, status (mostly `*`), payee | note, comment."""
    r = rng.random()
    status = "* " if r < 0.85 else "! " if r < 0.90 else ""
    tail = f"  ; {comment}" if comment else ""
    return f"{date} {status}{description}{tail}\n"


def percent(cents, per_mille):
    """Integer-cent share of an amount, rounded half up (never a float)."""
    return (cents * per_mille + 500) // 1000


class Books:
    """Generator state: open invoices and bills, so payments settle real earlier items."""

    # The mix: 30% invoices, 30% payment slots, 10% bills, 10% bill-payment slots,
    # 12% purchases, 3% cash sales, 2% payroll, 3% EUR. A slot with nothing due
    # falls back to a sale or purchase, so payments keep pace with invoices.
    SHARES = (0.30, 0.60, 0.70, 0.80, 0.92, 0.95, 0.97)

    def __init__(self, rng, dates):
        self.rng = rng
        self.dates = dates
        self.invoices = []  # heap of (pay day, invoice id, customer, open cents)
        self.bills = []  # heap of (pay day, bill id, vendor, open cents)
        self.next_invoice = 1
        self.next_bill = 1
        self.next_check = 1001
        self.makers = (self.invoice, self.payment, self.bill, self.bill_payment,
                       self.expense, self.cash_sale, self.payroll, self.foreign_expense)

    def cents(self, low, decades):
        """Integer cents from $low up to `decades` powers of ten above: small bills are common."""
        magnitude = low * 100 * 10 ** int(self.rng.random() * decades)
        return magnitude + int(self.rng.random() * magnitude * 9)

    def pick(self, items):
        """Uniform choice with the books' generator."""
        return pick(self.rng, items)

    def elide(self):
        """About half the transactions leave one amount for the tool to infer."""
        return self.rng.random() < 0.5

    def schedule(self, queue, day, item):
        """Queue an invoice or bill to be paid 10-60 days after day."""
        heapq.heappush(queue, (day + 10 + int(self.rng.random() * 51),) + item)

    def due(self, queue, day):
        """Pop the earliest-scheduled open item if its pay day has come, else None."""
        return heapq.heappop(queue)[1:] if queue and queue[0][0] <= day else None

    def header(self, day, description, comment=""):
        """Transaction first line, dated `day`."""
        return entry_header(self.rng, self.dates[day], description, comment)

    def transaction(self, day):
        """One transaction of a kind drawn from the small-business mix."""
        return self.makers[bisect.bisect(self.SHARES, self.rng.random())](day)

    def opening(self, day):
        """Opening balances, the journal's first transaction."""
        return (self.header(day, "Opening balances")
                + posting(CHECKING, usd(5_000_000)) + posting(SAVINGS, usd(10_000_000))
                + posting(OPENING) + "\n")

    def invoice(self, day):
        """A receivable invoice tagged `invoice:`; taxed goods or untaxed services."""
        customer = self.pick(CUSTOMERS)
        number = f"INV-{self.next_invoice:06d}"
        self.next_invoice += 1
        net = self.cents(50, 3)
        taxed = self.rng.random() < 0.7
        tax = percent(net, 80) if taxed else 0
        if self.rng.random() >= 0.04:  # the rest are never paid: aging needs them
            self.schedule(self.invoices, day, (number, customer, net + tax))
        comment = f"due: {self.dates[day + 30]}" if self.rng.random() < 0.2 else ""
        text = self.header(day, f"{customer} | Invoice {number}", comment)
        text += posting(receivable(customer), usd(net + tax), f"invoice: {number}")
        last = None if self.elide() else usd(-tax if taxed else -net)
        if taxed:
            return text + posting(SALES, usd(-net)) + posting(SALES_TAX, last) + "\n"
        return text + posting(SERVICES, last) + "\n"

    def payment(self, day):
        """A customer payment of an invoice that is due, sometimes only half of it."""
        item = self.due(self.invoices, day)
        if item is None:
            return self.cash_sale(day)
        number, customer, open_cents = item
        paid = open_cents
        if self.rng.random() < 0.15 and open_cents > 200:
            paid = open_cents // 2
            self.schedule(self.invoices, day, (number, customer, open_cents - paid))
        return (self.header(day, f"{customer} | Payment {number}")
                + posting(CHECKING, None if self.elide() else usd(paid))
                + posting(receivable(customer), usd(-paid), f"invoice: {number}") + "\n")

    def bill(self, day):
        """A vendor bill tagged `bill:` on the payable, split over 1-2 expense lines."""
        index = int(self.rng.random() * len(VENDORS))
        vendor = VENDORS[index]
        number = f"B-{self.next_bill:06d}"
        self.next_bill += 1
        first = self.cents(20, 3)
        second = self.cents(10, 2) if self.rng.random() < 0.3 else 0
        self.schedule(self.bills, day, (number, vendor, first + second))
        text = self.header(day, f"{vendor} | Bill {number}")
        text += posting(payable(vendor), usd(-first - second), f"bill: {number}")
        text += posting(EXPENSES[index % len(EXPENSES)], None if self.elide() else usd(first))
        if second:
            text += posting(self.pick(EXPENSES), usd(second))
        return text + "\n"

    def bill_payment(self, day):
        """Pays a bill that is due by numbered check."""
        item = self.due(self.bills, day)
        if item is None:
            return self.expense(day)
        number, vendor, cents = item
        check = self.next_check
        self.next_check += 1
        return (self.header(day, f"({check}) {vendor} | Check {check}")
                + posting(payable(vendor), usd(cents), f"bill: {number}")
                + posting(CHECKING, None if self.elide() else usd(-cents)) + "\n")

    def expense(self, day):
        """A direct purchase: 1-3 expense lines paid by checking, card or cash."""
        r = self.rng.random()
        source = CHECKING if r < 0.6 else CARD if r < 0.95 else CASH
        amounts = [self.cents(2, 3) for _ in range(1 + int(self.rng.random() * 3))]
        text = self.header(day, f"{self.pick(RETAIL_PAYEES)} | Purchase")
        for cents in amounts:
            text += posting(self.pick(EXPENSES), usd(cents))
        if self.rng.random() < 0.05:
            text += "    ; receipt in the shoebox\n"
        return text + posting(source, None if self.elide() else usd(-sum(amounts))) + "\n"

    def cash_sale(self, day):
        """A walk-in sale with sales tax, straight into checking."""
        net = self.cents(5, 2)
        tax = percent(net, 80)
        return (self.header(day, "Counter sales")
                + posting(CHECKING, None if self.elide() else usd(net + tax))
                + posting(SALES, usd(-net)) + posting(SALES_TAX, usd(-tax)) + "\n")

    def payroll(self, day):
        """A pay run: wages, two withholdings, net pay from checking (four postings)."""
        gross = self.cents(1_000, 1)
        income_tax, social = percent(gross, 150), percent(gross, 62)
        net = gross - income_tax - social
        return (self.header(day, "Payroll")
                + posting(WAGES, usd(gross)) + posting(INCOME_TAX, usd(-income_tax))
                + posting(SOCIAL_SECURITY, usd(-social))
                + posting(CHECKING, None if self.elide() else usd(-net)) + "\n")

    def foreign_expense(self, day):
        """A EUR purchase at a unit cost in $; whole euros keep the $ total exact in cents."""
        euros = 20 + int(self.rng.random() * 900)
        rate = 100 + int(self.rng.random() * 20)  # $1.00 .. $1.19 per EUR, in cents
        account = self.pick(("Expenses:Travel:Lodging", "Expenses:Office:Software",
                             "Expenses:Travel:Meals"))
        return (self.header(day, f"{self.pick(FOREIGN_PAYEES)} | EUR purchase")
                + posting(account, f"{euros}.00 EUR @ {usd(rate)}")
                + posting(CARD, None if self.elide() else usd(-euros * rate)) + "\n")


def calendar():
    """The ISO dates of the journals' six years (and a month after, for due dates)."""
    return [(START_DATE + datetime.timedelta(days=d)).isoformat() for d in range(SPAN_DAYS + 31)]


def journal_text(size, seed):
    """The whole journal as one string, deterministic from seed (random.Random(seed))."""
    rng = random.Random(seed)
    books = Books(rng, calendar())
    parts = [f"; textledger benchmark journal: {size} transactions, seed {seed}\n",
             "commodity $1,000.00\n", "commodity 1,000.00 EUR\n"]
    parts += [f"account {account}\n" for account in all_accounts()]
    parts += ["\n", books.opening(0)]
    for i in range(1, size):
        if rng.random() < 0.01:
            parts.append(f"{books.pick(';#')} reviewed with the owner\n")
        parts.append(books.transaction(i * SPAN_DAYS // size))
    return "".join(parts)


def distinct(rng, items, count):
    """`count` different items, drawn uniformly."""
    chosen = []
    while len(chosen) < count:
        item = pick(rng, items)
        if item not in chosen:
            chosen.append(item)
    return chosen


def fixed(units, places, commodity):
    """Integer units of 10**-places as `-1234.56789012 BTC`: exact, never a float."""
    sign = "-" if units < 0 else ""
    whole, rest = divmod(abs(units), 10**places)
    return f"{sign}{whole}.{rest:0{places}d} {commodity}"


# The "deep" shape: many accounts four levels deep, one commodity of 8 decimal places.
DEEP_VERSION = 1
DEEP_COMMODITY = "BTC"
DEEP_PLACES = 8
DEEP_GROUPS = {
    "assets": ("bank", "brokerage", "cash", "receivable", "prepaid"),
    "liabilities": ("card", "loan", "payable", "tax", "deferred"),
    "income": ("sales", "services", "interest", "dividends", "grants"),
    "expenses": ("office", "travel", "payroll", "facilities", "marketing"),
}
DEEP_ACCOUNTS = tuple(f"{top}:{group}:{branch}:sub{n}" for top, groups in DEEP_GROUPS.items()
                      for group in groups for branch in ("north", "south", "east", "west")
                      for n in range(1, 6))
"""The 400 accounts, all four levels deep: `assets:bank:north:sub3`."""
DEEP_PAYEES = tuple(f"Counterparty {n:03d}" for n in range(1, 201))
DEEP_NOTES = ("transfer", "payment", "deposit", "refund", "fee")


def deep_transaction(rng, date):
    """80% two postings, 15% three, 5% four; amounts from 0.00000001 to 10,000 BTC with all
    eight decimals written; the last posting balances the others, elided in 30%."""
    r = rng.random()
    accounts = distinct(rng, DEEP_ACCOUNTS, 2 if r < 0.80 else 3 if r < 0.95 else 4)
    text = entry_header(rng, date, f"{pick(rng, DEEP_PAYEES)} | {pick(rng, DEEP_NOTES)}")
    total = 0
    for account in accounts[:-1]:
        units = 1 + int(rng.random() * 10 ** (DEEP_PLACES + int(rng.random() * 5)))
        total += units
        text += posting(account, fixed(units, DEEP_PLACES, DEEP_COMMODITY))
    last = None if rng.random() < 0.3 else fixed(-total, DEEP_PLACES, DEEP_COMMODITY)
    return text + posting(accounts[-1], last) + "\n"


def deep_text(size, seed):
    """The deep journal as one string, deterministic from seed."""
    rng = random.Random(seed)
    dates = calendar()
    parts = [f"; textledger benchmark journal, shape deep: {size} transactions, seed {seed}\n",
             f"commodity {DEEP_COMMODITY}\n    format 1000.{'0' * DEEP_PLACES} {DEEP_COMMODITY}\n"]
    parts += [f"account {account}\n" for account in DEEP_ACCOUNTS]
    parts.append("\n")
    parts += [deep_transaction(rng, dates[i * SPAN_DAYS // size]) for i in range(size)]
    return "".join(parts)


# The "commodities" shape: ~1k accounts ten levels deep, 26 commodities, ~30% of postings at a cost.
COMMODITIES_VERSION = 1
SYMBOLS = tuple(letter * 3 for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
CLASSES = ("assets", "liabilities", "equity", "income", "expenses")
LEVELS = ("region", "branch", "desk", "team", "project", "phase", "task", "item")
CHAINS = 110


def chain_account(chain, depth):
    """The account `depth` (2-10) levels down chain `chain`: `expenses:c004:region1:branch2:...`."""
    names = [CLASSES[chain % len(CLASSES)], f"c{chain:03d}"]
    names += [f"{LEVELS[k]}{(chain + k) % 4 + 1}" for k in range(depth - 2)]
    return ":".join(names)


TRADE_ACCOUNTS = tuple(chain_account(chain, depth) for chain in range(CHAINS) for depth in range(2, 11))
"""990 accounts, each level of each chain posted to (a parent has its own balance too)."""
TRADERS = tuple(f"Desk {n:02d}" for n in range(1, 41))


def hundredths(rng, decades):
    """A positive quantity in hundredths, from 0.01 up to 10**decades: small ones are common."""
    return 1 + int(rng.random() * 10 ** (2 + int(rng.random() * (decades + 1))))


def priced(rng, sign, unit, currency):
    """One amount at a cost and its weight in hundredths of `currency`: 20% a total cost (`@@`);
    else a unit cost (`@`) with either the quantity or the price whole, so that quantity ×
    price has two decimals and the transaction balances exactly in every tool."""
    r = rng.random()
    if r < 0.2:
        quantity, total = hundredths(rng, 3), hundredths(rng, 4)
        return f"{fixed(sign * quantity, 2, unit)} @@ {fixed(total, 2, currency)}", sign * total
    if r < 0.6:
        quantity, price = 100 * (1 + int(rng.random() * 999)), hundredths(rng, 2)
    else:
        quantity, price = hundredths(rng, 3), 100 * (1 + int(rng.random() * 99))
    return (f"{fixed(sign * quantity, 2, unit)} @ {fixed(price, 2, currency)}",
            sign * quantity * price // 100)


def trade_transaction(rng, date):
    """47% a transfer within one commodity, 45% one posting at a cost, 8% two (both bought or
    both sold, never cancelling); the last posting balances in the cost commodity, elided in half."""
    r = rng.random()
    legs = 0 if r < 0.47 else 1 if r < 0.92 else 2
    accounts = distinct(rng, TRADE_ACCOUNTS, max(2, legs + 1))
    sign = 1 if rng.random() < 0.5 else -1
    note = "transfer" if not legs else "buy" if sign > 0 else "sell"
    text = entry_header(rng, date, f"{pick(rng, TRADERS)} | {note}")
    currency = pick(rng, SYMBOLS)
    if not legs:
        weight = sign * hundredths(rng, 4)
        text += posting(accounts[0], fixed(weight, 2, currency))
    else:
        weight = 0
        for account in accounts[:-1]:
            unit = currency
            while unit == currency:
                unit = pick(rng, SYMBOLS)
            amount, cost = priced(rng, sign, unit, currency)
            weight += cost
            text += posting(account, amount)
    last = None if rng.random() < 0.5 else fixed(-weight, 2, currency)
    return text + posting(accounts[-1], last) + "\n"


def commodities_text(size, seed):
    """The commodities journal as one string, deterministic from seed. Its first transaction
    opens a balance in every commodity, written out, so each tool learns each commodity's
    two decimals from a posting amount before any cost uses it (ledger takes a commodity's
    display precision only from posting amounts, not from costs)."""
    rng = random.Random(seed)
    dates = calendar()
    parts = [f"; textledger benchmark journal, shape commodities: {size} transactions, seed {seed}\n"]
    parts += [f"commodity {symbol}\n    format 1000.00 {symbol}\n" for symbol in SYMBOLS]
    parts += [f"account {account}\n" for account in TRADE_ACCOUNTS]
    parts += ["\n", entry_header(rng, dates[0], "Opening balances")]
    parts += [posting(chain_account(5 * k % CHAINS, 2), fixed(100_000, 2, symbol)) for k, symbol in enumerate(SYMBOLS)]
    parts += [posting(chain_account(2, 2), fixed(-100_000, 2, symbol)) for symbol in SYMBOLS]
    parts.append("\n")
    parts += [trade_transaction(rng, dates[i * SPAN_DAYS // size]) for i in range(1, size)]
    return "".join(parts)


SHAPES = {
    "small-business": (GENERATOR_VERSION, journal_text),
    "deep": (DEEP_VERSION, deep_text),
    "commodities": (COMMODITIES_VERSION, commodities_text),
}
"""Each shape's generator and its version (bump it when the output changes)."""
DEFAULT_SHAPES = ("small-business",)


def journal_path(out, shape, size, seed):
    """Cached journal of a shape; small-business keeps its earlier name `journal-v…`."""
    version = SHAPES[shape][0]
    prefix = "journal" if shape == "small-business" else shape
    return out / f"{prefix}-v{version}-seed{seed}-{size}.journal"


def ensure_journal(out, size, seed, shape="small-business"):
    """Generate the journal unless cached; written once and renamed so no partial file stays."""
    path = journal_path(out, shape, size, seed)
    if not path.exists():
        started = time.perf_counter()
        out.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with open(partial, "w", encoding="utf-8", newline="\n") as f:
            f.write(SHAPES[shape][1](size, seed))
        os.replace(partial, path)
        log(f"generated {shape} {size:,} transactions in {time.perf_counter() - started:.1f}s")
    log(f"journal: {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    return path


@dataclass
class Run:
    """One process run: wall time, its own peak RSS, exit code, stderr head."""

    seconds: float
    peak_rss_bytes: int
    exit_code: int
    stderr_head: str


@dataclass
class Result:
    """One tool on one journal, as printed and as emitted by --json."""

    size: int
    tool: str
    command: list
    status: str  # ok | failed | not installed
    journal: str = ""  # what the table shows: `deep 10,000`, or `studio`
    shape: str = ""  # a key of SHAPES, or `studio` for the example company
    times_seconds: list = field(default_factory=list)
    median_seconds: float = None
    transactions_per_second: float = None
    peak_rss_bytes: int = None
    ratio_to_ledger: float = None
    ratio_to_hledger: float = None
    error: str = ""


def tool_command(tool):
    """argv prefix for a tool, or None when it is not installed (textledger always runs:
    this Python's, so that a source checkout benches itself)."""
    if tool.startswith("textledger"):
        return [sys.executable, "-m", "textledger"]
    found = shutil.which(tool)
    return [found] if found else None


def tool_options(tool):
    """What a textledger variant adds after the command."""
    return ["--no-cache"] if tool == "textledger-cold" else []


def rss_bytes(ru_maxrss):
    """ru_maxrss is KiB on Linux but bytes on macOS."""
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def run_once(argv):
    """Run argv; os.wait4 gives this process's own max RSS (RUSAGE_CHILDREN is a max over all)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        head = "\n".join(err.read(4000).decode(errors="replace").splitlines()[:10])
    return Run(seconds, rss_bytes(usage.ru_maxrss), proc.returncode, head)


def bench_paired(tools, path, size, runs, command=("bal",), label="", shape=""):
    """Each tool's warm-up run, then `runs` rounds with every tool once in turn, so that the
    machine's drift touches them alike; ratios to ledger and hledger are the median of the
    rounds' ratios. A non-zero exit marks a tool failed."""
    results = {}
    for tool, prefix in tools:
        argv = prefix + ["-f", str(path), *command, *tool_options(tool)]
        results[tool] = Result(size, tool, argv, "ok", label, shape)
    for attempt in range(runs + 1):
        for result in results.values():
            if result.status != "ok":
                continue
            try:
                run = run_once(result.command)
            except OSError as exc:
                run = Run(0.0, 0, -1, str(exc))
            if run.exit_code != 0:
                result.status = "failed"
                result.error = f"exit {run.exit_code}: {run.stderr_head}"
            elif attempt:  # attempt 0 is the warm-up (and fills textledger's cache)
                result.times_seconds.append(run.seconds)
                result.peak_rss_bytes = max(result.peak_rss_bytes or 0, run.peak_rss_bytes)
    for result in results.values():
        if result.status == "ok":
            result.median_seconds = statistics.median(result.times_seconds)
            result.transactions_per_second = size / result.median_seconds
    for yardstick, attribute in (("ledger", "ratio_to_ledger"), ("hledger", "ratio_to_hledger")):
        other = results.get(yardstick)
        if other is None or other.status != "ok":
            continue
        for result in results.values():
            if result.status == "ok":
                setattr(result, attribute, statistics.median(
                    mine / theirs for mine, theirs in zip(result.times_seconds, other.times_seconds, strict=True)))
    return list(results.values())


def startup_size():
    """Transactions in the example company's journal (with its included files), counted
    in a child: loading it here would grow this process, whose size every timed child
    starts with (fork) and so reports as its peak."""
    count = subprocess.run([sys.executable, "-c", "import sys, textledger; print(len(textledger.load(sys.argv[1]).transactions))",
                            str(STARTUP_JOURNAL)], capture_output=True, text=True, check=True)
    return int(count.stdout)


def table(results):
    """Human-readable results, one row per journal and tool."""
    width = max([10] + [len(r.journal) for r in results])
    lines = [f"{'journal':>{width}}  {'tool':<16}{'median s':>10}{'txn/s':>12}{'peak MiB':>10}"
             f"{'vs ledger':>11}{'vs hledger':>12}"]
    for r in results:
        name = r.journal or f"{r.size:,}"
        if r.status != "ok":
            lines.append(f"{name:>{width}}  {r.tool:<16}{r.status.upper()}")
            lines += [f"{'':{width + 2}}{line}" for line in r.error.splitlines()]
            continue
        ratio = f"{r.ratio_to_ledger:.2f}x" if r.ratio_to_ledger else "-"
        ratio_h = f"{r.ratio_to_hledger:.2f}x" if r.ratio_to_hledger else "-"
        lines.append(f"{name:>{width}}  {r.tool:<16}{r.median_seconds:>10.3f}"
                     f"{r.transactions_per_second:>12,.0f}"
                     f"{r.peak_rss_bytes / 2**20:>10.1f}{ratio:>11}{ratio_h:>12}")
    return "\n".join(lines)


def log(message):
    """Progress goes to stderr so stdout stays the table or the JSON."""
    print(message, file=sys.stderr, flush=True)


def comma_list(convert):
    """argparse type for comma-separated values."""
    return lambda text: [convert(item.strip()) for item in text.split(",") if item.strip()]


def parse_args(argv):
    """Command-line options; see bench/README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--sizes", type=comma_list(int), default=list(DEFAULT_SIZES),
                        help="transactions per journal (default 10000,100000,1000000)")
    parser.add_argument("--shapes", type=comma_list(str), default=list(DEFAULT_SHAPES),
                        help=f"journal shapes, each at every size: {', '.join(SHAPES)} or all"
                             f" (default {','.join(DEFAULT_SHAPES)})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool (default 5)")
    parser.add_argument("--tools", type=comma_list(str), default=list(DEFAULT_TOOLS),
                        help=f"default {','.join(DEFAULT_TOOLS)}; also textledger (as a user runs it)")
    parser.add_argument("--no-startup", dest="startup", action="store_false",
                        help="leave out the start-up row (the example company, journals/studio.journal)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="journal cache directory (default bench/.cache)")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--command", type=shlex.split, default=["bal"],
                        help='what each tool runs after -f FILE (default "bal"); e.g. --command "check"'
                             ' --tools textledger')
    args = parser.parse_args(argv)
    unknown = set(args.tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    if "all" in args.shapes:
        args.shapes = list(SHAPES)
    unknown = set(args.shapes) - set(SHAPES)
    if unknown or not args.shapes:
        parser.error(f"unknown shapes: {', '.join(sorted(unknown))} (known: {', '.join(SHAPES)}, all)")
    if args.runs < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--runs and every size must be at least 1")
    return args


def main(argv=None):
    """Generate (or reuse) each journal, bench every tool on it, print the results.
    textledger's journal cache goes to a folder under --out, not the user's."""
    args = parse_args(argv)
    os.environ["XDG_CACHE_HOME"] = str((args.out / "xdg-cache").resolve())
    os.environ.pop("TEXTLEDGER_NO_CACHE", None)
    # as a user's Python runs: compiled modules kept in __pycache__ (the warm-up writes them),
    # not every module compiled again on each run (~20 ms of start-up)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    journals = [(startup_size(), STARTUP_JOURNAL, "studio", "studio")] if args.startup else []
    journals += [(size, None, f"{shape} {size:,}", shape) for shape in args.shapes for size in args.sizes]
    results = []
    for size, path, label, shape in journals:
        path = path or ensure_journal(args.out, size, args.seed, shape)
        tools = []
        for tool in args.tools:
            prefix = tool_command(tool)
            if prefix is None:
                results.append(Result(size, tool, [], "not installed", label, shape))
            else:
                tools.append((tool, prefix))
        log(f"{', '.join(tool for tool, _ in tools)} {' '.join(args.command)}: {label} ({size:,} transactions),"
            f" warm-up + {args.runs} rounds")
        results += bench_paired(tools, path, size, args.runs, args.command, label, shape)
    if args.json:
        print(json.dumps({"seed": args.seed, "runs": args.runs, "shapes": args.shapes,
                          "results": [asdict(r) for r in results]}, indent=2))
    else:
        print(table(results))


if __name__ == "__main__":
    main()
