"""Hypothesis strategies: valid journals written as text, together with what they mean.

`journals()` draws a small journal (1-12 transactions plus directives and comments) the
way a person would write it, in the many spellings the language allows, and returns a
`GeneratedJournal`: the text, cut into entry-sized chunks (so that tests can split it
into included files), and the facts known by construction (each account's balance per
commodity, the transaction dates, whether costs or virtual postings occur ...).

Everything is valid by construction: transactions balance (the last amount is computed
or left out), balance assertions state the running balance, and numbers are never
ambiguous unless a `commodity` directive says how to read them.

The pieces compose: `commodities()`, `amount_texts(commodity, quantity)`, `account_names()`,
`account_pools()`, `comment_texts()`, `date_texts()`; `journals(max_transactions=1)` is a
single transaction with its facts; `split_journals()` adds where to cut it into files.

`journals(conformance=True)` keeps to what hledger 1.25 reads exactly as textledger does.
Differences kept out of that mode, found by running both:
- hledger 1.25 does not end an account name at a single tab (`Assets:Cash<TAB>$5` is
  the account `Assets:Cash $5` with no amount); textledger, ledger and DESIGN §2 do.
  Conformance journals put two spaces, two tabs or a space and a tab there.
- hledger 1.25 accepts only A, L, E, R, X, C, V (or Asset, Liability, Equity, Revenue,
  Expense, Cash, Conversion) as `type:` on an `account` directive; `type: receivable`
  is an error there.
- A cost whose converted amount has more digits than the commodity's display precision,
  balanced by a rounded amount (`rounded` journals), leans on each tool's balancing
  tolerance; textledger's is tested by the properties, not compared with hledger.
Everywhere: `$1,000` with no decimals and no `commodity` directive is never written
(hledger reads it as 1.000, textledger by the commodity's known decimal mark).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from decimal import Decimal

from hypothesis import Phase
from hypothesis import strategies as st

# Shrinking a failing journal can take hypothesis its full five minutes per distinct bug.
# Under CI (the suite has a time budget) failing examples are reported unshrunk instead
# (the tests `note` the journal text); run the test locally to get a minimal example.
PHASES = tuple(phase for phase in Phase if phase is not Phase.shrink) if os.environ.get("CI") else tuple(Phase)

# Strategies are built once, here and at module level, and choices from lists made with
# integer draws: building strategy objects inside draws made generation ten times slower.


@functools.cache
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


_BOOLS = st.booleans()


def _pick(draw, items):
    """One of `items` (a sequence), shrinking towards the first."""
    return items[draw(_ints(0, len(items) - 1))]


def _chance(draw, one_in: int) -> bool:
    """True about once in `one_in` draws (shrinks to False)."""
    return draw(_ints(0, one_in - 1)) == one_in - 1


def _choices(draw, *sizes: int) -> list[int]:
    """Several small choices (each `0 <= c < size`) from one draw: fewer draws, faster runs.
    All shrink towards 0, the plainest spelling."""
    number = draw(_ints(0, functools.reduce(int.__mul__, sizes) - 1))
    chosen = []
    for size in reversed(sizes):
        number, choice = divmod(number, size)
        chosen.append(choice)
    return chosen[::-1]


# ---------------------------------------------------------------- commodities


@dataclasses.dataclass(frozen=True)
class Commodity:
    """How one commodity is written in a generated journal."""

    symbol: str             # as the loader reports it: no quotes, "" for none
    left: bool              # `$5` (True) or `5 EUR` (False)
    spaced: bool = False    # `$ 5`, `5 EUR`
    mark: str = "."         # decimal mark
    group: str = ","        # digit group mark, when digits are grouped
    precision: int = 2      # the most decimals a drawn amount has (the declared precision when declared)
    declared: bool = False  # a `commodity` directive gives its style (so `$1,000` is unambiguous)

    @property
    def written(self) -> str:
        return f'"{self.symbol}"' if " " in self.symbol else self.symbol


# (symbol, written on the left)
UNIVERSE = (("$", True), ("EUR", False), ("", False), ("€", True), ("£", True), ("USD", False),
            ("ACME Shares", False))
PRICED = tuple(symbol for symbol, _ in UNIVERSE if symbol)


def _commodity(draw, symbol: str, left: bool) -> Commodity:
    precision = draw(_ints(0, 3))
    if not symbol:
        return Commodity("", left=False, precision=precision)
    spaced = _chance(draw, 4) if left else not _chance(draw, 4)
    declared = draw(_BOOLS)
    mark = "," if declared and symbol in ("€", "EUR") and draw(_BOOLS) else "."
    return Commodity(symbol, left=left, spaced=spaced, mark=mark, group="." if mark == "," else ",",
                     precision=precision, declared=declared)


@st.composite
def commodities(draw) -> Commodity:
    """One commodity's writing style: side, spacing, marks, precision, declared or not."""
    return _commodity(draw, *_pick(draw, UNIVERSE))


_COMMODITY_SETS = st.lists(_ints(0, len(UNIVERSE) - 1), min_size=1, max_size=3, unique=True)


# ---------------------------------------------------------------- numbers and amounts


def places_of(quantity: Decimal) -> int:
    """How many decimals the quantity needs, written exactly."""
    exponent = quantity.normalize().as_tuple().exponent
    return -exponent if exponent < 0 else 0


def number_text(quantity: Decimal, places: int, mark: str = ".", group: str = "") -> str:
    """|quantity| with at least `places` decimals (never dropping digits), grouped if `group`."""
    places = max(places, places_of(quantity))
    text = f"{abs(quantity):.{places}f}"
    whole, _, fraction = text.partition(".")
    if group:
        head = len(whole) % 3 or 3
        whole = group.join([whole[:head]] + [whole[i:i + 3] for i in range(head, len(whole), 3)])
    return whole + (mark + fraction if fraction else "")


def format_amount(commodity: Commodity, quantity: Decimal, places: int = 0, form: int = 0) -> str:
    """The amount in one of its spellings, chosen by `form` (0-3): `-$5` or `$-5`, digits
    grouped (`$1,234.50`) or not.

    Digits are grouped only where that cannot be misread: with decimals, with two or more
    groups, or when a `commodity` directive declares the marks."""
    places = max(places, places_of(quantity))
    may_group = places > 0 or commodity.declared or abs(quantity) >= 1_000_000
    group = commodity.group if may_group and form & 1 else ""
    number = number_text(quantity, places, commodity.mark, group)
    sign = "-" if quantity < 0 else ""
    if not commodity.symbol:
        return sign + number
    space = " " if commodity.spaced else ""
    if not commodity.left:
        return sign + number + space + commodity.written
    if sign and form & 2:
        return f"{commodity.written}{space}-{number}"     # $-5
    return f"{sign}{commodity.written}{space}{number}"    # -$5


def _amount_text(draw, commodity: Commodity, quantity: Decimal, places: int = 0) -> str:
    return format_amount(commodity, quantity, places, draw(_ints(0, 3)))


@st.composite
def amount_texts(draw, commodity: Commodity, quantity: Decimal, places: int = 0) -> str:
    """`format_amount` with a drawn spelling."""
    return _amount_text(draw, commodity, quantity, places)


_MANTISSAS = st.one_of(_ints(-999, 999), _ints(-10**7, 10**7), _ints(-10**9, 10**9))


def _quantity(draw, precision: int) -> tuple[Decimal, int]:
    """(quantity, decimals written): small and large, positive, negative and zero."""
    places = draw(_ints(0, precision))
    return Decimal(draw(_MANTISSAS)).scaleb(-places), places


# ---------------------------------------------------------------- names, words, comments

WORDS = ("Cash", "Bank", "Café", "Checking", "Savings", "Nord", "Zürich", "Straße", "Øre",
         "Ñandú", "Acme", "Corp", "Rent", "Food", "Q1", "2026", "Co-op", "Björk", "Łódź",
         "Sales", "Tax", "Fees", "Loan", "Card", "Payroll", "Wages", "Office", "Travel")
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßøñçÅ"
_ALNUM = _LETTERS + "0123456789"
TOPS = ("Assets", "Liabilities", "Equity", "Income", "Expenses", "Revenue", "Café")


def _word(draw) -> str:
    """A word: from WORDS (some non-ASCII), or made up, a letter first."""
    kind, index = _choices(draw, 4, len(WORDS))
    if kind < 3:
        return WORDS[index]
    return _LETTERS[index % len(_LETTERS)] + "".join(_pick(draw, _ALNUM) for _ in range(draw(_ints(0, 4))))


def _segment(draw) -> str:
    """One part of an account name: words joined by single spaces."""
    return " ".join(_word(draw) for _ in range(1 + _pick(draw, (0, 0, 1, 2))))


def _account_name(draw) -> str:
    """`Assets:Bank:Café Nord`: one to four segments."""
    top, depth = _choices(draw, len(TOPS) + 1, 4)
    first = TOPS[top] if top < len(TOPS) else _segment(draw)
    return ":".join([first] + [_segment(draw) for _ in range(depth)])


@st.composite
def account_names(draw) -> str:
    return _account_name(draw)


@st.composite
def account_pools(draw) -> list[str]:
    """2-8 distinct accounts, some of them sub-accounts of others (for tree balances)."""
    pool: list[str] = []
    for _ in range(draw(_ints(2, 6))):
        name = _account_name(draw)
        if name not in pool:
            pool.append(name)
    for _ in range(draw(_ints(0, 2))):
        child = f"{_pick(draw, pool)}:{_segment(draw)}"
        if child not in pool:
            pool.append(child)
    if len(pool) == 1:
        pool.append(pool[0] + ":Sub")
    return pool


PHRASE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
"""Descriptions and comments: listed words only (made-up words go into account names)."""

TAG_NAMES = ("invoice", "due", "terms", "project", "client", "ref", "customer", "bill", "payroll")
TAG_VALUES = ("INV-1001", "2026-02-04", "net30", "Acme Corp", "B-101", "jane", "Café Nord", "")
BARE_TAGS = ("urgent", "q1", "café", "x2")


@st.composite
def comment_texts(draw) -> str:
    """A comment's text: words, `key: value` tags, bare `:tag1:tag2:`, comma separated
    (now and then nothing: a bare `;`)."""
    if _chance(draw, 10):
        return ""
    parts = []
    for _ in range(draw(_ints(1, 3))):
        kind = draw(_ints(0, 2))
        if kind == 0:
            parts.append(draw(PHRASE))
        elif kind == 1:
            parts.append(f"{_pick(draw, TAG_NAMES)}: {_pick(draw, TAG_VALUES)}")
        else:
            first = draw(_ints(0, len(BARE_TAGS) - 1))
            parts.append(":" + ":".join(BARE_TAGS[first:first + draw(_ints(1, 3))]) + ":")
    return ", ".join(parts)   # a tag's value runs to the next comma


COMMENT = comment_texts()


# ---------------------------------------------------------------- dates

DATES = st.one_of(
    st.dates(dt.date(2026, 1, 1), dt.date(2026, 2, 28)),   # bunched: several transactions a day
    st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
)


def _date_text(draw, date: dt.date) -> str:
    """2026-01-05, 2026/01/05 or 2026.01.05 (and now and then 2026/1/5)."""
    separator, unpadded = _choices(draw, 3, 5)
    separator = "-/."[separator]
    if unpadded == 4:
        return f"{date.year}{separator}{date.month}{separator}{date.day}"
    return f"{date.year:04d}{separator}{date.month:02d}{separator}{date.day:02d}"


@st.composite
def date_texts(draw) -> tuple[dt.date, str]:
    """(date, as written)."""
    date = draw(DATES)
    return date, _date_text(draw, date)


# ---------------------------------------------------------------- the model
#
# Each transaction is drawn in one piece, its spelling included, so that the shrinker can
# drop a whole transaction at once. Balance assertions depend on every transaction before
# them in date order: whether a posting gets one, and how it is spelled, is drawn with the
# posting; its amount is filled in once all transactions are known.


@dataclasses.dataclass
class _Posting:
    account: str
    kind: str                                   # "real", "virtual", "balanced"
    commodity: Commodity | None = None          # None: the amount is left out
    quantity: Decimal = Decimal(0)
    places: int = 0
    cost: tuple[bool, Commodity, Decimal, int] | None = None   # (total @@, commodity, quantity, places)
    inferred: tuple[tuple[str, Decimal], ...] = ()             # what an elided amount comes to
    assertion: tuple[bool, Commodity, Decimal] | None = None   # (==, commodity, quantity)
    # spelling
    wants_assertion: bool = False
    form: tuple[int, ...] = (0, 0, 0, 0, 0, 0, 0)   # status, separator, =, amount, cost, assertion, comments
    comments: tuple[str, ...] = ()

    def weight(self) -> tuple[str, Decimal]:
        if self.cost is None:
            return self.commodity.symbol, self.quantity
        total, commodity, price, _ = self.cost
        if total:
            return commodity.symbol, price if self.quantity >= 0 else -price
        return commodity.symbol, self.quantity * price

    def amounts(self) -> tuple[tuple[str, Decimal], ...]:
        """What the posting adds to its account: its amount, or what was inferred."""
        if self.commodity is None:
            return self.inferred
        return ((self.commodity.symbol, self.quantity),)


@dataclasses.dataclass
class _Transaction:
    date: dt.date
    postings: list[_Posting]
    has_cost: bool
    head: str           # the first line, with its newline
    indent: str
    comment_lines: str  # indented comment lines under the first line
    blank: bool         # a blank line after it


@dataclasses.dataclass(frozen=True, eq=False)
class GeneratedJournal:
    """A generated journal and the facts known about it by construction."""

    chunks: tuple[str, ...]            # entry-sized pieces, in file order
    balances: dict                     # (account, commodity) -> Decimal, non-zero only: `balance --flat`
    dates: tuple[dt.date, ...]         # the transactions' dates, in file order
    declared_accounts: tuple[str, ...]
    declared_commodities: tuple[str, ...]
    prices: int                        # how many `P` directives
    has_costs: bool
    has_virtual: bool                  # any `(virtual)` posting (they need not balance)
    exact: bool                        # every transaction balances exactly, not within a tolerance

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def __repr__(self) -> str:
        return f"GeneratedJournal(text=\n{self.text})"


def _sums(postings: list[_Posting]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for posting in postings:
        if posting.commodity is not None:
            symbol, quantity = posting.weight()
            sums[symbol] = sums.get(symbol, Decimal(0)) + quantity
    return sums


_STATUSES = ("", "", "", "* ", "! ")
_SEPARATORS = ("  ", "   ", "      ", "\t\t", " \t", "\t")   # hledger 1.25 needs two: not the last
_INDENTS = ("    ", "  ", " ", "\t", "        ")
_CODES = ("1001", "INV-7", "#12", "chk 42")


def _posting(draw, account: str, kind: str, commodity: Commodity | None = None,
             quantity: Decimal = Decimal(0), places: int = 0, inferred=()) -> _Posting:
    """A posting and how it is spelled (status, separator, amount form, comments)."""
    status, separator, equals, amount, cost, assertion, comments = _choices(
        draw, len(_STATUSES), len(_SEPARATORS), 2, 4, 4, 4, 8)
    texts = ()
    if comments >= 6:   # an inline comment, and maybe a comment line under the posting
        texts = tuple(draw(COMMENT) for _ in range(comments - 5))
    wants_assertion = commodity is not None and _chance(draw, 6)
    total = wants_assertion and draw(_BOOLS)   # `==` when the account holds nothing else
    return _Posting(account, kind, commodity, quantity, places, inferred=inferred, wants_assertion=wants_assertion,
                    form=(status, separator, equals, amount, cost, assertion, int(total)), comments=texts)


@st.composite
def _transactions(draw, pool: list[str], specs: list[Commodity], rounded: bool) -> _Transaction:
    """Postings that balance (some amounts, then the balancing ones computed or left out),
    and the transaction's spelling."""
    priced = [c for c in specs if c.symbol]
    postings: list[_Posting] = []
    has_cost = False
    for _ in range(draw(_ints(1, 4))):
        commodity = _pick(draw, specs)
        quantity, places = _quantity(draw, commodity.precision)
        posting = _posting(draw, _pick(draw, pool), "real", commodity, quantity, places)
        others = [c for c in priced if c.symbol != commodity.symbol]
        if commodity.symbol and others and quantity and _chance(draw, 4):
            cost_commodity = _pick(draw, others)
            total = draw(_BOOLS)
            cost_places = draw(_ints(0, 4 if rounded else cost_commodity.precision))
            price = Decimal(draw(_ints(1, 10**6))).scaleb(-cost_places)
            posting.cost = (total, cost_commodity, price, cost_places)
            has_cost = True
        postings.append(posting)
    sums = _sums(postings)
    by_symbol = {c.symbol: c for c in specs}
    if draw(_BOOLS):   # leave one amount out
        inferred = tuple((c, -q) for c, q in sums.items() if q) or (("", Decimal(0)),)
        postings.append(_posting(draw, _pick(draw, pool), "real", inferred=inferred))
    else:
        for symbol, total in sums.items():
            if not total:
                continue
            commodity = by_symbol[symbol]
            quantity = -total
            places = places_of(quantity)
            if rounded and places > commodity.precision:
                places = commodity.precision
                quantity = quantity.quantize(Decimal(1).scaleb(-places))
            postings.append(_posting(draw, _pick(draw, pool), "real", commodity, quantity, places))
    if _chance(draw, 5):   # (virtual) postings: they need not balance
        for _ in range(draw(_ints(1, 2))):
            commodity = _pick(draw, specs)
            postings.append(_posting(draw, _pick(draw, pool), "virtual", commodity,
                                     *_quantity(draw, commodity.precision)))
    if _chance(draw, 5):   # [balanced virtual] postings: they balance among themselves
        commodity = _pick(draw, specs)
        group = [_posting(draw, _pick(draw, pool), "balanced", commodity, *_quantity(draw, commodity.precision))
                 for _ in range(draw(_ints(1, 2)))]
        rest = -sum((p.quantity for p in group), Decimal(0))
        if draw(_BOOLS):
            inferred = ((commodity.symbol, rest),) if rest else (("", Decimal(0)),)
            group.append(_posting(draw, _pick(draw, pool), "balanced", inferred=inferred))
        else:
            group.append(_posting(draw, _pick(draw, pool), "balanced", commodity, rest, places_of(rest)))
        postings.extend(group)
    for index in range(len(postings) - 1, 0, -1):   # shuffle
        other = draw(_ints(0, index))
        postings[index], postings[other] = postings[other], postings[index]

    date = draw(DATES)
    status, code, description, comment, indent, comment_lines, blank = _choices(
        draw, 3, 3 * len(_CODES), 3, 3, len(_INDENTS), 5, 2)
    head = _date_text(draw, date) + ("", " *", " !")[status]
    if code >= 2 * len(_CODES):
        head += f" ({_CODES[code % len(_CODES)]})"
    if description:
        head += " " + draw(PHRASE)
        if description == 2:
            head += " | " + draw(PHRASE)
    if comment == 2:
        head += "  ; " + draw(COMMENT)
    indent = _INDENTS[indent]
    lines = "".join(f"{indent}; {draw(COMMENT)}\n" for _ in range((0, 0, 0, 1, 2)[comment_lines]))
    return _Transaction(date, postings, has_cost, head + "\n", indent, lines, bool(blank))


def _add_assertions(transactions: list[_Transaction]) -> None:
    """Balance assertions that hold: the running balance in date order, then file order."""
    running: dict[str, dict[str, Decimal]] = {}
    for transaction in sorted(transactions, key=lambda t: t.date):
        for posting in transaction.postings:
            balance = running.setdefault(posting.account, {})
            for symbol, quantity in posting.amounts():
                balance[symbol] = balance.get(symbol, Decimal(0)) + quantity
            if posting.wants_assertion:
                symbol = posting.commodity.symbol
                others = any(q for c, q in balance.items() if c != symbol)
                total = not others and bool(posting.form[6])
                posting.assertion = (total, posting.commodity, balance.get(symbol, Decimal(0)))


# ---------------------------------------------------------------- writing it out


def _posting_text(posting: _Posting, indent: str, conformance: bool) -> str:
    status, separator, equals, amount, cost, assertion, _ = posting.form
    separators = _SEPARATORS[:-1] if conformance else _SEPARATORS
    account = {"real": "{}", "virtual": "({})", "balanced": "[{}]"}[posting.kind].format(posting.account)
    line = indent + _STATUSES[status] + account
    if posting.commodity is not None:
        line += separators[separator % len(separators)]
        line += format_amount(posting.commodity, posting.quantity, posting.places, amount)
        if posting.cost is not None:
            total, commodity, price, places = posting.cost
            line += (" @@ " if total else " @ ") + format_amount(commodity, price, places, cost)
        if posting.assertion is not None:
            total, commodity, quantity = posting.assertion
            line += (" == " if total else (" = ", "  = ")[equals]) + format_amount(commodity, quantity, 0, assertion)
    if posting.comments:
        line += "  ; " + posting.comments[0]
        line += "".join(f"\n{indent}  ; {text}" for text in posting.comments[1:])
    return line + "\n"


def _transaction_text(transaction: _Transaction, conformance: bool) -> str:
    return (transaction.head + transaction.comment_lines
            + "".join(_posting_text(p, transaction.indent, conformance) for p in transaction.postings)
            + ("\n" if transaction.blank else ""))


ACCOUNT_TYPES = ("A", "L", "E", "R", "X", "C", "Asset", "Liability", "Equity", "Revenue", "Expense", "Cash")


def _account_directive(draw, name: str, conformance: bool) -> str:
    text = f"account {name}"
    types = ACCOUNT_TYPES + (() if conformance else ("receivable", "payable"))
    choice, kind, terms, comment_line = _choices(draw, 4, len(types), 3, 5)
    if choice == 1:
        text += f"  ; type: {types[kind]}"
    elif choice == 2:
        text += f"  ; type: {types[kind]}, terms: net{(15, 30, 45)[terms]}"
    elif choice == 3:
        text += "  ; " + draw(COMMENT)
    text += "\n"
    if comment_line == 4:
        text += "    ; " + draw(COMMENT) + "\n"
    return text


def _commodity_directive(commodity: Commodity, form: int) -> str:
    """`commodity $1,000.00` (a sample amount) or `commodity EUR` + `format 1.000,00 EUR`;
    forms 3-5 write the sample without digit groups (`commodity $1000.00`)."""
    grouped, form = form < 3, form % 3
    sample = number_text(Decimal(1000), commodity.precision, commodity.mark, commodity.group if grouped else "")
    if commodity.precision == 0:
        sample += commodity.mark   # `1,000.`: with a decimal mark the sample is unambiguous
    space = " " if commodity.spaced else ""
    written = (commodity.written + space + sample) if commodity.left else (sample + space + commodity.written)
    if form == 0:
        return f"commodity {written}\n"
    if form == 1:
        return f"commodity {written}  ; display style\n"
    return f"commodity {commodity.written}\n    format {written}\n"


_BLOCK_LINES = ("2026-01-01 not a transaction", "    Assets:Nowhere  $1,000", "include missing.journal",
                "account Hidden", "some words: value", "", "P 2026-01-01 XYZ $1")


def _comment_chunk(draw) -> str:
    kind = draw(_ints(0, 3))
    if kind < 3:
        return "".join(f"{';#*'[kind]} {draw(COMMENT)}\n" for _ in range(draw(_ints(1, 2))))
    first = draw(_ints(0, len(_BLOCK_LINES)))
    body = _BLOCK_LINES[first:first + draw(_ints(0, 4))]
    return "comment\n" + "".join(line + "\n" for line in body) + "end comment\n"


@st.composite
def _other_entries(draw, pool: list[str], specs: list[Commodity], conformance: bool):
    """(kind, text, account name or None) of a directive or comment between transactions."""
    kind = draw(_ints(0, 2))
    if kind == 0:
        name = _pick(draw, pool)
        return "account", _account_directive(draw, name, conformance), name
    if kind == 1:
        commodity = _pick(draw, [c for c in specs if c.symbol] or [Commodity("$", left=True)])
        symbol = _pick(draw, [s for s in PRICED if s != commodity.symbol])
        written = f'"{symbol}"' if " " in symbol else symbol
        quantity = Decimal(draw(_ints(1, 10**6))).scaleb(-draw(_ints(0, 4)))
        date = _date_text(draw, draw(DATES))
        return "price", f"P {date} {written} {_amount_text(draw, commodity, quantity)}\n", None
    return "comment", _comment_chunk(draw), None


@st.composite
def journals(draw, conformance: bool = False, rounded: bool | None = None,
             max_transactions: int = 12) -> GeneratedJournal:
    """A valid journal as text, with its facts (see `GeneratedJournal`).

    conformance: keep to what hledger 1.25 reads the same way (see the module docstring).
    rounded: cost conversions may leave a residue below the display precision, balanced
    within the loader's tolerance (None: sometimes; never with conformance).
    """
    if rounded is None:
        rounded = False if conformance else _chance(draw, 4)
    specs = [_commodity(draw, *UNIVERSE[index]) for index in draw(_COMMODITY_SETS)]
    pool = draw(account_pools())
    transactions = draw(st.lists(_transactions(pool, specs, rounded), min_size=1, max_size=max_transactions))
    _add_assertions(transactions)
    # directives and comments, each with the number of transactions before it
    others = draw(st.lists(st.tuples(st.integers(0, len(transactions)), _other_entries(pool, specs, conformance),
                                     _BOOLS), max_size=6))

    chunks: list[str] = []
    declared_commodities = []
    for commodity in specs:
        if commodity.declared:
            chunks.append(_commodity_directive(commodity, draw(_ints(0, 5))))
            declared_commodities.append(commodity.symbol)
        elif commodity.symbol and _chance(draw, 6):
            chunks.append(f"commodity {commodity.written}\n")
            declared_commodities.append(commodity.symbol)
    declared_accounts: list[str] = []
    prices = 0
    for index in range(len(transactions) + 1):
        for slot, (kind, text, name), blank in others:
            if slot != index or (kind == "account" and name in declared_accounts):
                continue
            chunks.append(text + ("\n" if blank else ""))
            if kind == "account":
                declared_accounts.append(name)
            prices += kind == "price"
        if index < len(transactions):
            chunks.append(_transaction_text(transactions[index], conformance))

    balances: dict[tuple[str, str], Decimal] = {}
    for transaction in transactions:
        for posting in transaction.postings:
            for symbol, quantity in posting.amounts():
                key = (posting.account, symbol)
                balances[key] = balances.get(key, Decimal(0)) + quantity
    return GeneratedJournal(
        chunks=tuple(chunks),
        balances={key: value for key, value in balances.items() if value},
        dates=tuple(t.date for t in transactions),
        declared_accounts=tuple(declared_accounts),
        declared_commodities=tuple(declared_commodities),
        prices=prices,
        has_costs=any(t.has_cost for t in transactions),
        has_virtual=any(p.kind == "virtual" for t in transactions for p in t.postings),
        exact=not rounded or not any(t.has_cost for t in transactions),
    )


@st.composite
def split_journals(draw, conformance: bool = False) -> tuple[GeneratedJournal, list[int]]:
    """A journal and where to cut its chunks into files: sorted cut indexes (maybe none)."""
    journal = draw(journals(conformance=conformance))
    count = len(journal.chunks)
    cuts = {draw(_ints(1, count - 1)) for _ in range(draw(_ints(0, 3)))} if count > 1 else set()
    return journal, sorted(cuts)


# ---------------------------------------------------------------- lines drawn from the grammar itself

# Characters the line terminals are drawn from: the language's punctuation, digits, a few
# letters, spaces and tabs, and some non-ASCII text (a currency sign, an accent, a
# no-break space), so that draws hit the grammar's distinctions rather than rare letters.
LINE_ALPHABET = st.sampled_from(
    list(" \t\t  ;;*!()[]{}@@==--++.,,::\"$$€£é\xa0/|#%&'?<>\n") + list("0123456789") + list("ABEPRUXabcxyz")
)


@functools.cache
def _line_rules():
    """The line parser of grammar/journal.lark and its rule definitions (Lark's trees)."""
    from textledger.core import grammar, lines

    parser = grammar.build_parser(None, grammar.GRAMMAR_NAME, lines.LINE_KINDS, keep_rules=True)
    return parser, {name: tree for name, _, tree, _ in parser.grammar.rule_defs}


@functools.cache
def _regex_text(pattern: str) -> st.SearchStrategy[str]:
    import re

    compiled = re.compile(pattern)
    return st.from_regex(compiled, fullmatch=True, alphabet=LINE_ALPHABET).filter(lambda text: compiled.fullmatch(text))


def _tree_text(tree, definitions, parser) -> st.SearchStrategy[str]:
    """Text for one node of a rule definition: terminals drawn from their own patterns."""
    import lark
    from lark.load_grammar import _literal_to_pattern

    from textledger.core import grammar

    kind, children = tree.data, tree.children
    if kind == "expansions":
        return st.one_of([_tree_text(child, definitions, parser) for child in children])
    if kind == "alias":
        return _tree_text(children[0], definitions, parser)
    if kind == "expansion":
        return st.tuples(*[_tree_text(child, definitions, parser) for child in children]).map("".join)
    if kind == "maybe" or (kind == "expr" and str(children[1]) == "?"):
        return st.one_of(st.just(""), _tree_text(children[0], definitions, parser))
    if kind == "expr":
        part = _tree_text(children[0], definitions, parser)
        return st.lists(part, min_size=1 if str(children[1]) == "+" else 0, max_size=4).map("".join)
    (symbol,) = children  # kind == "value"
    if isinstance(symbol, lark.Tree) and symbol.data == "literal":
        return _regex_text(_literal_to_pattern(symbol.children[0]).to_regexp())
    if isinstance(symbol, lark.Tree):
        return _tree_text(symbol, definitions, parser)
    if isinstance(symbol, lark.grammar.Terminal):
        return _regex_text(grammar.terminal_pattern(parser, symbol.name))
    return _tree_text(definitions[symbol.name], definitions, parser)


@functools.cache
def grammar_lines(rule: str) -> st.SearchStrategy[str]:
    """Text in the language of one rule of grammar/journal.lark's "Inside a line" section
    (`posting_line`, `header_line`, `amount`, ...), built from the rule's own definition:
    alternatives, optional parts and repetitions as the rule says, each terminal drawn
    from its own pattern (`from_regex`). Line rules end with their newline."""
    parser, definitions = _line_rules()
    return _tree_text(definitions[rule], definitions, parser)


@st.composite
def edited_lines(draw, rule: str) -> str:
    """A line of `rule` with one character deleted, inserted or replaced: near misses."""
    text = draw(grammar_lines(rule)).rstrip("\n")
    at = draw(st.integers(0, len(text)))
    operation = draw(st.sampled_from(["delete", "insert", "replace"]))
    char = draw(LINE_ALPHABET)
    if operation == "delete":
        return text[:at] + text[at + 1:]
    if operation == "insert":
        return text[:at] + char + text[at:]
    return text[:at] + char + text[at + 1:]


# ---------------------------------------------------------------- lot annotations


@dataclasses.dataclass(frozen=True)
class LotJournal:
    """A journal of postings with ledger's lot annotations and costs in any order, and the
    balances it must give (lots move no balance: a cost, if any, balances the elided
    posting, else the units themselves do, as in hledger 1.25)."""

    text: str
    balances: dict[tuple[str, str], Decimal]


_LOT_SYMBOLS = ("AAPL", '"XYZ (Bond)"', "EUR")
_LOT_ACCOUNTS = ("Assets:Broker", "Assets:Broker:Joint", "Assets:Bonds")


@st.composite
def lot_journals(draw, notes: bool = True) -> LotJournal:
    """Transactions of one annotated posting (`10 AAPL {$150} [2020-09-15] (note) @ $200`,
    parts in any order, quantities sometimes in space digit groups) and an elided posting.
    `notes=False` leaves out `(note)`, which hledger 1.25 does not read."""
    balances: dict[tuple[str, str], Decimal] = {}
    entries = []
    for day in range(1, draw(_ints(1, 6)) + 1):
        account = _pick(draw, _LOT_ACCOUNTS)
        symbol = _pick(draw, _LOT_SYMBOLS)
        units = draw(_ints(1, 3_000_000)) * (-1 if _chance(draw, 4) else 1)
        spaced = f"{abs(units):,}".replace(",", " ")
        quantity = ("-" if units < 0 else "") + (spaced if _chance(draw, 2) else str(abs(units)))
        parts = []
        if _chance(draw, 2):
            opening = _pick(draw, ("{", "{{", "{=", "{{=", "{ ="))
            closing = "}}" if opening.startswith("{{") else "}"
            parts.append(f"{opening}${draw(_ints(1, 999))}.{draw(_ints(0, 99)):02d}{closing}")
        if _chance(draw, 2):
            parts.append(f"[2020/{draw(_ints(1, 12)):02d}/{draw(_ints(1, 28)):02d}]")
        if notes and _chance(draw, 3):
            parts.append(f"({_pick(draw, ('first lot', 'gift', 'Lot #2'))})")
        cost = None
        if _chance(draw, 2):
            operator = _pick(draw, ("@", "@@", "(@)", "(@@)"))
            price = Decimal(draw(_ints(1, 99_999))) / 100
            parts.append(f"{operator} ${price}")
            cost = abs(units) * price if "@@" not in operator else price
        order = draw(st.permutations(parts)) if parts else []
        name = symbol.strip('"')
        balances[(account, name)] = balances.get((account, name), Decimal(0)) + units
        key = ("Assets:Cash", "$" if cost is not None else name)
        weight = (cost if units > 0 else -cost) if cost is not None else Decimal(units)
        balances[key] = balances.get(key, Decimal(0)) - weight
        annotations = draw(st.sampled_from((" ", ""))).join(order) if order else ""
        entries.append(f"2020-01-{day:02d} lot {day}\n    {account}    {quantity} {symbol} {annotations}".rstrip()
                       + "\n    Assets:Cash\n")
    return LotJournal("\n".join(entries), {key: value for key, value in balances.items() if value})


# ---------------------------------------------------------------- invoices, bills and payments


BASE_DAY = dt.date(2026, 1, 1)
_INVOICE_DAYS = st.lists(_ints(0, 90), min_size=1, max_size=5, unique=True)
_PARTIES = {1: ("Assets:Receivable:Acme", "Assets:Receivable:Birch"),
            -1: ("Liabilities:Payable:Vendo", "Liabilities:Payable:Wares")}
# lines that make up an invoice (+1) or a bill (-1): (account, sign of its share) — the
# discount on an invoice and the rebate on a bill go the other way
_LINES = {1: (("Income:Sales", -1), ("Income:Services", -1), ("Expenses:Discounts", 1)),
          -1: (("Expenses:Supplies", 1), ("Expenses:Services", 1), ("Income:Rebates", -1))}


def _money(cents: int, commodity: str) -> str:
    quantity = Decimal(cents).scaleb(-2)
    return f"${quantity}" if commodity == "$" else f"{quantity} EUR"


@st.composite
def invoice_journals(draw, tax: bool = True) -> str:
    """A journal's text: invoices (+1) and bills (-1) of one to three lines (a discount or
    rebate among them; a sales-tax line, a liability, when `tax`, so that without it every
    line is revenue or expense), sometimes two in one entry sharing their lines;
    payments that name one or two of them, or none, for less or more than they owe, some
    before the invoice; credit notes; cash sales and expenses that touch neither side.
    Two commodities, a few shared dates (so that one day holds invoices and payments)."""
    days = [BASE_DAY + dt.timedelta(days=day) for day in draw(_INVOICE_DAYS)]
    issued: list[tuple[int, str, str, str]] = []   # (side, account, ID, commodity)
    entries: list[str] = []
    for number in range(draw(_ints(1, 7))):
        side = _pick(draw, (1, -1))
        commodity = _pick(draw, ("$", "EUR"))
        date = _pick(draw, days)
        tag = "invoice" if side == 1 else "bill"
        parties = [(_pick(draw, _PARTIES[side]), f"{tag[0].upper()}-{number}")]
        if _chance(draw, 4):  # a second one in the same entry, sharing its lines
            parties.append((_pick(draw, _PARTIES[side]), f"{tag[0].upper()}-{number}b"))
        lines = []
        total = 0
        for account, sign in _LINES[side][:draw(_ints(1, 3))]:
            cents = draw(_ints(1, 99_999)) if sign * side < 0 else -draw(_ints(0, 999))
            total += cents  # what the line adds to the invoice
            lines.append((account, cents))
        if total <= 0:  # a discount as big as the sales: drop it
            lines = lines[:-1]
            total = sum(cents for _, cents in lines)
        if tax and _chance(draw, 2):
            cents = draw(_ints(1, 9_999))
            lines.append(("Liabilities:Sales Tax", cents))
            total += cents
        shares = [total] if len(parties) == 1 else [draw(_ints(1, total - 1)), 0] if total > 1 else [total]
        if len(shares) == 2:
            shares[1] = total - shares[0]
        parties = parties[:len(shares)]
        text = [f"{date} * invoice {number}"]
        for (account, reference), cents in zip(parties, shares):
            text.append(f"    {account}  {_money(cents * side, commodity)}  ; {tag}: {reference}")
            issued.append((side, account, reference, commodity))
        elided = _chance(draw, 2)
        for index, (account, cents) in enumerate(lines):
            amount = "" if elided and index == len(lines) - 1 else "  " + _money(-cents * side, commodity)
            text.append(f"    {account}{amount}")
        entries.append("\n".join(text) + "\n")
    for number in range(draw(_ints(0, 10))):
        date = _pick(draw, days)
        kind = _pick(draw, ("named", "unnamed", "two", "credit note", "cash"))
        if kind == "cash":
            commodity = _pick(draw, ("$", "EUR"))
            cents = draw(_ints(1, 99_999))
            entries.append(f"{date} * cash {number}\n    Assets:Bank  {_money(cents, commodity)}\n"
                           f"    {_pick(draw, ('Income:Sales', 'Expenses:Rent'))}\n")
            continue
        side, account, reference, commodity = _pick(draw, issued)
        named = [(account, reference)]
        if kind == "two":
            other = _pick(draw, [found for found in issued if found[0] == side and found[3] == commodity])
            named.append((other[1], other[2]))
        tag = "invoice" if side == 1 else "bill"
        text = [f"{date} * {kind} {number}"]
        for account, reference in named:
            cents = draw(_ints(1, 120_000))
            tail = "" if kind == "unnamed" else f"  ; {tag}: {reference}"
            text.append(f"    {account}  {_money(-cents * side, commodity)}{tail}")
        counter = "Assets:Bank" if kind != "credit note" else _LINES[side][0][0]
        text.append(f"    {counter}")
        entries.append("\n".join(text) + "\n")
    order = draw(st.permutations(range(len(entries))))
    return "account Assets:Bank  ; type: cash\n\n" + "\n".join(entries[i] for i in order)


# ---------------------------------------------------------------- books around a month-end close


MONTH_END = dt.date(2026, 10, 31)  # the month the checklist properties close: October 2026
CUSTOMERS = ("Acme Corp", "Beta Books", "Cafe Nord")
# The step lines a drawn checklist picks from: one variant of each group at most (two
# variants of a group name the same step, which a checklist refuses).
STEP_GROUPS = (
    ("reconcile", "reconcile Assets:Bank:Checking", "reconcile Assets:Bank:Checking  within 3 days"),
    ("payroll-taxes Liabilities:Payroll:Tax", "payroll-taxes Liabilities:Payroll:Tax  due 20"),
    ("stock-count", "stock-count within 2 days"),
    ("reminders",),
    ("check", "check strict"),
    ("closing",),
    ("manual filed Tax return filed",),
)
_MONEY_KINDS = ("invoice", "payment", "expense", "accrual", "remittance", "stock")
_RECORD_KINDS = ("reconciliation", "stockcheck", "reminder", "manual", "closing")


@dataclasses.dataclass(frozen=True)
class MonthEndBooks:
    """Books around the close of October 2026: entries that move money (invoices, payments,
    expenses, payroll tax accrued and paid over, stock bought), entries that only record
    (reconciliations asserting the true balance, stock counts, reminders, a manual step's
    tagged entry, closing entries), and a drawn `checklist` ("": the default steps).
    Valid by construction: every assertion states the running balance."""

    money: tuple[tuple[dt.date, str], ...]
    records: tuple[tuple[dt.date, str], ...]
    checklist: str
    checking: tuple[tuple[dt.date, Decimal], ...]  # each posting to the bank account
    tax: tuple[tuple[dt.date, Decimal], ...]       # each posting to the payroll tax liability

    HEADER = ("commodity $1,000.00\n"
              "account Assets:Bank:Checking                ; type: cash\n"
              "account Liabilities:Payroll:Tax              ; type: liability\n\n"
              "2026-08-01 * Opening balance\n"
              "    Assets:Bank:Checking                      $20,000.00\n"
              "    Equity:Opening Balances\n")

    def text(self, *extra: str) -> str:
        """The journal: header, checklist, money entries, then the records and `extra` (on
        a shared day the records come after the money, so their assertions hold)."""
        parts = [self.HEADER, self.checklist]
        parts += [text for _, text in sorted(self.money, key=lambda entry: entry[0])]
        parts += [text for _, text in self.records] + list(extra)
        return "\n".join(part for part in parts if part)

    def balance(self, day: dt.date) -> Decimal:
        """The bank account's balance at the end of `day` (the opening balance included)."""
        return Decimal(20000) + sum((q for when, q in self.checking if when <= day), Decimal(0))

    def tax_owed(self, day: dt.date) -> Decimal:
        return -sum((q for when, q in self.tax if when <= day), Decimal(0))


def reconciliation_entry(day: dt.date, balance: Decimal) -> str:
    return (f"{day} * Bank reconciliation  ; statement: bank-{day}.csv\n"
            f"    Assets:Bank:Checking                      $0.00 = ${balance:,.2f}\n")


def record_entry(kind: str, day: dt.date, customer: str = CUSTOMERS[0]) -> str:
    """An entry that moves no money: a stock count, a reminder, a manual step's, a closing."""
    if kind == "stockcheck":
        return f"{day} * Stock check  ; stockcheck: count-{day}.csv\n"
    if kind == "reminder":
        return (f"{day} * {customer} | Reminder letter  ; reminder: friendly\n"
                f"    Assets:Receivable:{customer}              $0.00\n")
    if kind == "manual":
        return f"{day} * Sales tax return filed  ; filed: {day:%Y-%m}\n"
    return f"{day} * Closing entry  ; closing: {day:%Y-%m}\n"


_CLOSE_DAYS = st.dates(dt.date(2026, 8, 2), dt.date(2026, 11, 15))
_LATE_OCTOBER = st.dates(dt.date(2026, 10, 20), MONTH_END)


@st.composite
def month_end_books(draw) -> MonthEndBooks:
    """Books around the close of October 2026, with a drawn checklist (see MonthEndBooks)."""
    money, checking, tax = [], [], []
    number = 1000
    for _ in range(draw(_ints(0, 10))):
        kind = _pick(draw, _MONEY_KINDS)
        day = draw(st.one_of(_CLOSE_DAYS, _LATE_OCTOBER))
        amount = Decimal(draw(_ints(1, 500_000))).scaleb(-2)
        customer = _pick(draw, CUSTOMERS)
        if kind == "invoice":
            number += 1
            text = (f"{day} * {customer} | Design work  ; invoice: INV-{number}\n"
                    f"    Assets:Receivable:{customer}   ${amount:,.2f}\n    Income:Design\n")
        elif kind == "payment":
            text = f"{day} * {customer} | Payment\n    Assets:Bank:Checking   ${amount:,.2f}\n    Assets:Receivable:{customer}\n"
            checking.append((day, amount))
        elif kind == "expense":
            text = f"{day} * Rent\n    Expenses:Rent   ${amount:,.2f}\n    Assets:Bank:Checking\n"
            checking.append((day, -amount))
        elif kind == "accrual":
            text = f"{day} * Payroll taxes\n    Expenses:Payroll Taxes   ${amount:,.2f}\n    Liabilities:Payroll:Tax\n"
            tax.append((day, -amount))
        elif kind == "remittance":
            text = f"{day} * IRS | Deposit\n    Liabilities:Payroll:Tax   ${amount:,.2f}\n    Assets:Bank:Checking\n"
            tax.append((day, amount))
            checking.append((day, -amount))
        else:
            units = draw(_ints(1, 40))
            text = (f"{day} * Supplier | Widgets\n    Assets:Inventory:Shelf   {units} WIDGET @ $5.00\n"
                    "    Assets:Bank:Checking\n")
            checking.append((day, Decimal(-5 * units)))
        money.append((day, text))
    books = MonthEndBooks(tuple(money), (), "", tuple(checking), tuple(tax))
    records = []
    for _ in range(draw(_ints(0, 6))):
        kind = _pick(draw, _RECORD_KINDS)
        day = draw(st.one_of(_CLOSE_DAYS, _LATE_OCTOBER))
        if kind == "reconciliation":
            records.append((day, reconciliation_entry(day, books.balance(day))))
        else:
            records.append((day, record_entry(kind, day, _pick(draw, CUSTOMERS))))
    checklist = ""
    if not _chance(draw, 4):
        groups = draw(st.lists(st.sampled_from(range(len(STEP_GROUPS))), min_size=1, max_size=len(STEP_GROUPS),
                               unique=True))
        lines = [_pick(draw, STEP_GROUPS[group]) for group in groups]
        checklist = "checklist\n" + "".join(f"    {line}\n" for line in lines)
    return dataclasses.replace(books, records=tuple(records), checklist=checklist)
