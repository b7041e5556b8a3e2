"""The journal generator of the conformance suite: one function per construct of the
journal language, each writing a few entries that use it in random spellings.

`generate(seed, names)` builds one journal from the named constructs (one construct: the
construct alone; several: mixed in one file, each in accounts of its own so that balance
assertions and automated-transaction queries see only their own postings). A construct
returns a `Piece`: its entries, the directives it needs first, files it includes, and how
hledger must be run for it (`--auto`). A construct that changes how the lines after it read
(`alias`, `Y`, `D`, `decimal-mark`, `apply account`) is `tail`: it goes last, one per journal.

Every journal is valid for hledger 1.25 by construction (a generated journal hledger rejects
is a bug here); ledger 3.3 reads some differently (documented in docs/journal-format.md) and
is compared only where it agrees with hledger. `reference="ledger"` marks the one construct
hledger 1.25 cannot read (lot notes), compared with ledger instead.

Adding a construct: write a function below with `@construct("name", "example")`; the tests
generate it alone and mixed with the others from then on.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Piece:
    body: str  # entries, in file order
    preamble: str = ""  # directives the whole journal needs first
    files: dict[str, str] = field(default_factory=dict)  # included files, relative to the journal
    hledger_options: tuple[str, ...] = ()  # for hledger on the journal
    print_options: tuple[str, ...] | None = None  # for hledger on textledger's print (default: the same)
    tail: bool = False  # changes how later lines read: goes last
    reference: str = "hledger"  # "ledger": hledger 1.25 cannot read it


@dataclass(frozen=True)
class Construct:
    name: str
    example: str
    make: Callable[[random.Random, str], Piece]  # (rng, account prefix) -> piece


CONSTRUCTS: dict[str, Construct] = {}


def construct(name: str, example: str):
    def register(make):
        CONSTRUCTS[name] = Construct(name, example, make)
        return make

    return register


def supported() -> list[str]:
    return list(CONSTRUCTS)


@dataclass
class Journal:
    text: str
    files: dict[str, str]
    names: tuple[str, ...]
    hledger_options: tuple[str, ...]
    print_options: tuple[str, ...] | None
    reference: str


def generate(seed: int | str, names: list[str] | tuple[str, ...]) -> Journal:
    """One journal from the named constructs, the same for the same seed and names."""
    rng = random.Random(f"{seed}/{','.join(names)}")
    pieces = [CONSTRUCTS[name].make(rng, f"{_camel(name)}") for name in names]
    tails = [piece for piece in pieces if piece.tail]
    assert len(tails) <= 1, "at most one construct that changes how later lines read"
    ordered = [piece for piece in pieces if not piece.tail] + tails
    text = "".join(piece.preamble for piece in ordered) + "\n".join(piece.body for piece in ordered)
    files: dict[str, str] = {}
    options: list[str] = []
    print_options: list[str] | None = None
    for piece in ordered:
        files.update(piece.files)
        options += [option for option in piece.hledger_options if option not in options]
        if piece.print_options is not None:
            print_options = list(piece.print_options)
    references = {piece.reference for piece in pieces}
    assert len(references) == 1, "a ledger-only construct is generated alone"
    return Journal(
        text, files, tuple(names), tuple(options), None if print_options is None else tuple(print_options), references.pop()
    )


def mixed_names(rng: random.Random, pool: list[str], most: int = 5) -> list[str]:
    """2..most constructs of `pool` that can share a journal (one tail, no ledger-only)."""
    candidates = [name for name in pool if not _probe(name).tail and _probe(name).reference == "hledger"]
    tails = [name for name in pool if _probe(name).tail]
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(2, most)))
    if tails and rng.random() < 0.4:
        chosen.append(rng.choice(tails))
    return chosen


def _probe(name: str) -> Piece:
    return CONSTRUCTS[name].make(random.Random(0), "X")


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


# ---------------------------------------------------------------- spelling helpers


def _date(rng: random.Random, year: int = 2026, month: int | None = None) -> tuple[str, str]:
    """(ISO date, the date as written: one of the separators, sometimes unpadded)."""
    month = month or rng.randint(1, 12)
    day = rng.randint(1, 28)
    separator = rng.choice("-/.")
    if rng.random() < 0.3:
        return f"{year}-{month:02}-{day:02}", f"{year}{separator}{month}{separator}{day}"
    return f"{year}-{month:02}-{day:02}", f"{year}{separator}{month:02}{separator}{day:02}"


def _quantity(rng: random.Random, low: int = 1, high: int = 5000, places: int = 2) -> Decimal:
    return Decimal(rng.randint(low * 10**places, high * 10**places)).scaleb(-places)


def _dollars(quantity: Decimal, rng: random.Random | None = None, groups: bool = True) -> str:
    """$1,234.56, with the minus before or after the sign."""
    digits = f"{abs(quantity):,.2f}" if groups else f"{abs(quantity):.2f}"
    if quantity >= 0:
        return f"${digits}"
    return f"-${digits}" if rng is not None and rng.random() < 0.5 else f"$-{digits}"


def _gap(rng: random.Random) -> str:
    """What separates an account from its amount: two or more spaces, or two tabs (hledger
    1.25 does not end an account name at one tab)."""
    return rng.choice(["  ", "    ", "\t\t", " \t", "          "])


def _indent(rng: random.Random) -> str:
    return rng.choice(["    ", "  ", "\t", " "])


def _transaction(rng: random.Random, header: str, postings: list[tuple[str, str]], comment_lines: tuple[str, ...] = ()) -> str:
    indent = _indent(rng)
    lines = [header] + [f"{indent}{line}" for line in comment_lines]
    for account, amount in postings:
        lines.append(f"{indent}{account}{_gap(rng) + amount if amount else ''}".rstrip())
    return "\n".join(lines) + "\n"


def _simple(rng: random.Random, prefix: str, count: int = 2, elide: bool | None = None) -> str:
    entries = []
    for number in range(count):
        _, date = _date(rng)
        quantity = _quantity(rng)
        last = "" if (rng.random() < 0.5 if elide is None else elide) else _dollars(-quantity, rng)
        entries.append(
            _transaction(
                rng,
                f"{date} {prefix} {number}",
                [(f"Expenses:{prefix}:Item{rng.randint(1, 3)}", _dollars(quantity, rng)), (f"Assets:{prefix}:Bank", last)],
            )
        )
    return "\n".join(entries)


# ---------------------------------------------------------------- constructs textledger reads today


@construct("plain", "2026-01-05 Rent\\n    Expenses:Rent  $4,800.00\\n    Assets:Bank  $-4,800.00")
def _plain(rng, prefix):
    return Piece(_simple(rng, prefix, rng.randint(1, 4), elide=False))


@construct("elided_amount", "    Assets:Bank        ; amount inferred")
def _elided(rng, prefix):
    entries = []
    for number in range(rng.randint(1, 3)):
        _, date = _date(rng)
        postings = [(f"Expenses:{prefix}:E{index}", _dollars(_quantity(rng), rng)) for index in range(rng.randint(1, 4))]
        postings.insert(rng.randint(0, len(postings)), (f"Assets:{prefix}:Bank", ""))
        entries.append(_transaction(rng, f"{date} elided {number}", postings))
    return Piece("\n".join(entries))


@construct("status", "2026-01-05 * Rent / 2026-01-05 ! Rent, and `* Assets:Bank` on a posting")
def _status(rng, prefix):
    entries = []
    for number in range(rng.randint(1, 3)):
        _, date = _date(rng)
        quantity = _quantity(rng)
        status = rng.choice(["* ", "! ", ""])
        entries.append(
            _transaction(
                rng,
                f"{date} {status}status {number}",
                [
                    (f"{rng.choice(['* ', '! ', ''])}Expenses:{prefix}:Fee", _dollars(quantity, rng)),
                    (f"{rng.choice(['* ', '! ', ''])}Assets:{prefix}:Bank", _dollars(-quantity, rng)),
                ],
            )
        )
    return Piece("\n".join(entries))


@construct("code", "2026-01-05 * (1042) Rent")
def _code(rng, prefix):
    _, date = _date(rng)
    quantity = _quantity(rng)
    code = rng.choice(["1042", "INV-7", "#12", "a b"])
    return Piece(
        _transaction(
            rng,
            f"{date} {rng.choice(['* ', ''])}({code}) Check",
            [(f"Expenses:{prefix}:Rent", _dollars(quantity, rng)), (f"Assets:{prefix}:Bank", "")],
        )
    )


@construct("payee_note", "2026-01-05 Acme Corp | January consulting")
def _payee_note(rng, prefix):
    _, date = _date(rng)
    quantity = _quantity(rng)
    description = rng.choice(["Acme Corp | January consulting", "Café Nord|lunch", "Payee only", "| note only", ""])
    return Piece(
        _transaction(
            rng,
            f"{date} {description}".rstrip(),
            [(f"Income:{prefix}:Consulting", _dollars(-quantity, rng)), (f"Assets:{prefix}:Receivable", "")],
        )
    )


@construct("comments_and_tags", "; comment, # comment, comment...end comment, ; tag: value, ; :bare:tags:")
def _comments(rng, prefix):
    _, date = _date(rng)
    quantity = _quantity(rng)
    top = rng.choice(
        [
            "; a comment line\n",
            "# a hash comment\n",
            "* a star comment\n",
            f"comment\n2026-01-01 not a transaction\n    Assets:{prefix}:Nowhere  $1.00\nend comment\n",
        ]
    )
    transaction = _transaction(
        rng,
        f"{date} Tagged  ; invoice: INV-{rng.randint(1, 99)}, due: 2026-12-01",
        [
            (f"Assets:{prefix}:Receivable", _dollars(quantity, rng) + rng.choice(["", "  ; :billable:", "  ; note: x"])),
            (f"Income:{prefix}:Sales", rng.choice(["", "  ; elided"]) if rng.random() < 0.5 else _dollars(-quantity, rng)),
        ],
        comment_lines=rng.choice([(), ("; :retainer:",), ("; project: web", "; another comment line")]),
    )
    return Piece(top + "\n" + transaction)


@construct("virtual_postings", "(Budget:Food)  $-12.50 and [Savings:Goal]  $50 / [Assets:Bank]  $-50")
def _virtual(rng, prefix):
    _, date = _date(rng)
    quantity, saved = _quantity(rng), _quantity(rng)
    postings = [(f"Expenses:{prefix}:Food", _dollars(quantity, rng)), (f"Assets:{prefix}:Bank", "")]
    postings.append((f"(Budget:{prefix}:Food)", _dollars(-quantity, rng)))
    if rng.random() < 0.7:
        postings += [
            (f"[Savings:{prefix}:Goal]", _dollars(saved, rng)),
            (f"[Assets:{prefix}:Bank]", rng.choice(["", _dollars(-saved, rng)])),
        ]
    rng.shuffle(postings)
    return Piece(_transaction(rng, f"{date} virtual", postings))


@construct("unit_cost", "    Expenses:Software  480.00 EUR @ $1.08")
def _unit_cost(rng, prefix):
    _, date = _date(rng)
    units, price = _quantity(rng, 1, 500), _quantity(rng, 1, 3, places=2)
    last = rng.choice(["", _dollars(-(units * price), rng)])
    return Piece(
        _transaction(
            rng,
            f"{date} exchange",
            [(f"Assets:{prefix}:Euro", f"{units} EUR @ {_dollars(price)}"), (f"Assets:{prefix}:Bank", last)],
        )
    )


@construct("total_cost", '    Assets:Broker  3 "ACME Shares" @@ $300')
def _total_cost(rng, prefix):
    _, date = _date(rng)
    units, total = rng.randint(1, 50), _quantity(rng, 10, 9000)
    commodity = rng.choice(['"ACME Shares"', "AAPL", "GBP"])
    last = rng.choice(["", _dollars(-total, rng)])
    return Piece(
        _transaction(
            rng,
            f"{date} buy",
            [(f"Assets:{prefix}:Broker", f"{units} {commodity} @@ {_dollars(total)}"), (f"Assets:{prefix}:Bank", last)],
        )
    )


@construct("implied_exchange", "    Expenses:Travel  100 EUR / Assets:Bank  $-110")
def _implied(rng, prefix):
    _, date = _date(rng)
    return Piece(
        _transaction(
            rng,
            f"{date} implied",
            [(f"Expenses:{prefix}:Travel", f"{_quantity(rng)} EUR"), (f"Assets:{prefix}:Bank", _dollars(-_quantity(rng), rng))],
        )
    )


@construct("multi_commodity_elided", "$20 and 10 EUR balanced by one elided posting")
def _multi_elided(rng, prefix):
    _, date = _date(rng)
    return Piece(
        _transaction(
            rng,
            f"{date} two commodities",
            [
                (f"Assets:{prefix}:Bank", _dollars(_quantity(rng), rng)),
                (f"Assets:{prefix}:Wallet", f"{_quantity(rng)} EUR"),
                (f"Equity:{prefix}:Opening", ""),
            ],
        )
    )


@construct("balance_assertions", "    Assets:Bank  $500.00 = $500.00 (and == $500.00)")
def _assertions(rng, prefix):
    """Several transactions on one account, in file order that is not date order; each
    assertion states the balance in date order (then file order), as hledger checks it."""
    count = rng.randint(2, 5)
    dated = [(_date(rng), _quantity(rng, -500, 500), index) for index in range(count)]
    running, balance_after = Decimal(0), {}
    for _dates, quantity, index in sorted(dated, key=lambda item: (item[0][0], item[2])):
        running += quantity
        balance_after[index] = running
    entries = []
    for (_, date), quantity, index in dated:
        amount = _dollars(quantity, rng)
        if rng.random() < 0.7:
            amount += (
                f" {rng.choice(['=', '==', '= ', '== '])}{' ' if rng.random() < 0.5 else ''}{_dollars(balance_after[index])}"
            )
        entries.append(
            _transaction(rng, f"{date} assert {index}", [(f"Assets:{prefix}:Bank", amount), (f"Income:{prefix}:Pay", "")])
        )
    return Piece("\n".join(entries))


@construct("commodity_styles", 'commodity £1.000,00 / 1 000 CHF / "ACME Shares", and amounts written in those styles')
def _styles(rng, prefix):
    declared = rng.random() < 0.7
    preamble = ""
    if declared:
        preamble = rng.choice(["commodity £1.000,00\n", "commodity £\n    format £1.000,00\n"])
    quantity = _quantity(rng, 1, 90000)
    whole, cents = f"{quantity:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".") + "," + cents if declared else f"{quantity:.2f}"
    chf = f"{_quantity(rng)} CHF" if rng.random() < 0.5 else f"CHF {_quantity(rng)}"
    _, date = _date(rng)
    body = _transaction(
        rng,
        f"{date} styles",
        [
            (f"Assets:{prefix}:Sterling", f"£{grouped}"),
            (f"Assets:{prefix}:Francs", chf),
            (f"Assets:{prefix}:Shares", f'{rng.randint(1, 9)} "ACME Shares"'),
            (f"Equity:{prefix}:Opening", ""),
        ],
    )
    return Piece(body, preamble)


@construct("digit_groups_and_signs", "$1,234,567.89, -$5.00, $-5.00, 1,000,000 EUR")
def _digit_groups(rng, prefix):
    _, date = _date(rng)
    quantity = _quantity(rng, 1000, 9_000_000)
    return Piece(
        _transaction(
            rng,
            f"{date} big",
            [
                (f"Assets:{prefix}:Bank", _dollars(quantity, rng)),
                (f"Equity:{prefix}:Opening", _dollars(-quantity, rng, groups=rng.random() < 0.5)),
                (f"Assets:{prefix}:Euro", f"{rng.randint(1000, 9_000_000):,}.00 EUR"),
                (f"Equity:{prefix}:Opening", ""),
            ],
        )
    )


@construct("exact_numbers", "    Assets:Bank  $12345678901234567890.123456789")
def _exact(rng, prefix):
    _, date = _date(rng)
    quantity = Decimal(rng.randint(10**20, 10**25)).scaleb(-rng.randint(0, 9))
    return Piece(
        _transaction(rng, f"{date} exact", [(f"Assets:{prefix}:Bank", f"{quantity} XAU"), (f"Equity:{prefix}:Opening", "")])
    )


@construct("include", "include sub/other.journal, include glob/*.journal")
def _include(rng, prefix):
    inner = prefix.lower()
    files = {
        f"{inner}/one.journal": _simple(rng, prefix + "One", 1),
        f"{inner}/glob/a.journal": _simple(rng, prefix + "GlobA", 1),
        f"{inner}/glob/b.journal": f"include ../deeper/c.journal\n\n{_simple(rng, prefix + 'GlobB', 1)}",
        f"{inner}/deeper/c.journal": _simple(rng, prefix + "Deeper", 1),
    }
    return Piece(f"include {inner}/one.journal\ninclude {inner}/glob/*.journal\n\n{_simple(rng, prefix, 1)}", files=files)


@construct("market_prices", "P 2026-01-31 EUR $1.08")
def _prices(rng, prefix):
    iso, _ = _date(rng)
    time = rng.choice([" 12:00", " 12:00:00", ""])  # ledger 3.3 needs the seconds
    prices = f"P {iso} EUR {_dollars(_quantity(rng, 1, 2))}\n"
    prices += f'P {iso.replace("-", "/")}{time} "ACME Shares" {_dollars(_quantity(rng))}\n'
    return Piece(prices + "\n" + _simple(rng, prefix, 1))


@construct("periodic_rules", "~ monthly  Rent budget (moves no balance)")
def _periodic(rng, prefix):
    period = rng.choice(["monthly", "weekly", "every 2 weeks", "yearly from 2026-01-01", "monthly from 2026/01"])
    rule = _transaction(
        rng, f"~ {period}  budget", [(f"Expenses:{prefix}:Rent", _dollars(_quantity(rng))), (f"Assets:{prefix}:Bank", "")]
    )
    return Piece(rule + "\n" + _simple(rng, prefix, 1))


@construct("account_directives", "account Assets:Bank  ; type: A")
def _accounts(rng, prefix):
    declarations = (
        f"account Assets:{prefix}:Bank  ; type: {rng.choice(['A', 'Asset', 'C', 'Cash'])}\n"
        f"account Expenses:{prefix}:Item1\n    ; type: X\n"
        f"account Income:{prefix}:Unused\n"
    )
    return Piece(declarations + "\n" + _simple(rng, prefix, rng.randint(1, 2)))


@construct("payee_and_tag_directives", "payee Acme Corp / tag invoice")
def _payee_tag(rng, prefix):
    return Piece(f"payee {prefix} Payee\ntag invoice\n\n" + _simple(rng, prefix, 1))


@construct("secondary_dates", "2026-01-05=2026-01-07 Deposit")
def _secondary(rng, prefix):
    _, date = _date(rng, month=rng.randint(1, 6))
    _, date2 = _date(rng, month=rng.randint(7, 12))
    quantity = _quantity(rng)
    return Piece(
        _transaction(
            rng, f"{date}={date2} two dates", [(f"Assets:{prefix}:Bank", _dollars(quantity, rng)), (f"Income:{prefix}:Sales", "")]
        )
    )


@construct("posting_dates", "    Assets:Bank  ; date: 2026-02-02 (or ; [2026/02/02])")
def _posting_dates(rng, prefix):
    _, date = _date(rng, month=rng.randint(1, 6))
    iso2, written2 = _date(rng, month=rng.randint(7, 12))
    comment = rng.choice([f"; date: {iso2}", f"; [{written2.replace('-', '/').replace('.', '/')}]"])
    quantity = _quantity(rng)
    return Piece(
        _transaction(
            rng,
            f"{date} posting dates",
            [
                (f"Expenses:{prefix}:Rent", _dollars(quantity, rng)),
                (f"Assets:{prefix}:Bank", f"{_dollars(-quantity, rng)}  {comment}"),
            ],
        )
    )


@construct("unicode_names", "2026-01-05 Café\\n    Dépenses:Café  3,50 € ...")
def _unicode(rng, prefix):
    _, date = _date(rng)
    return Piece(
        _transaction(
            rng,
            f"{date} Café Nord — déjeuner",
            [(f"Dépenses:{prefix}:Café", f"€{_quantity(rng)}"), (f"Actifs:{prefix}:Caisse", "")],
        )
    )


# ---------------------------------------------------------------- constructs of issue #13's second wave


def _lot(rng, prefix, annotation: Callable[[Decimal, int], str], reference: str = "hledger") -> Piece:
    _, date = _date(rng)
    units, price = rng.randint(1, 100), _quantity(rng, 1, 300)
    return Piece(
        _transaction(
            rng,
            f"{date} buy lot",
            [
                (f"Assets:{prefix}:Broker", f"{units} ACME {annotation(price, units)}"),
                (f"Assets:{prefix}:Bank", _dollars(-units * price, rng)),
            ],
        ),
        reference=reference,
    )


@construct("lot_unit_price", "    Assets:Broker  10 ACME {$150.00}")
def _lot_unit(rng, prefix):
    return _lot(rng, prefix, lambda price, units: f"{{{_dollars(price)}}}" + rng.choice(["", f" @ {_dollars(price)}"]))


@construct("lot_total_price", "    Assets:Broker  10 ACME {{$500.00}}")
def _lot_total(rng, prefix):
    return _lot(rng, prefix, lambda price, units: f"{{{{{_dollars(price * units)}}}}}")


@construct("lot_fixed_price", "    Assets:Broker  10 ACME {=$2.00}")
def _lot_fixed(rng, prefix):
    return _lot(rng, prefix, lambda price, units: f"{{={_dollars(price)}}}")


@construct("lot_date", "    Assets:Broker  10 ACME {$150.00} [2020/09/15]")
def _lot_date(rng, prefix):
    return _lot(rng, prefix, lambda price, units: f"{{{_dollars(price)}}} [2025/{rng.randint(1, 12)}/{rng.randint(1, 28)}]")


@construct("lot_note", "    Assets:Broker  10 ACME {$150.00} (first lot)")
def _lot_note(rng, prefix):
    return _lot(
        rng, prefix, lambda price, units: f"{{{_dollars(price)}}} ({rng.choice(['first lot', 'note', 'lot 2'])})", "ledger"
    )


@construct("balance_assignment", "    Assets:Cash  = $500.00   (no amount: the assertion sets it)")
def _assignment(rng, prefix):
    first, second = sorted([_date(rng), _date(rng)])
    opening, target = _quantity(rng), _quantity(rng)
    counter = rng.choice(["", _dollars(opening - target, rng)])
    return Piece(
        _transaction(
            rng, f"{first[1]} opening", [(f"Assets:{prefix}:Cash", _dollars(opening, rng)), (f"Equity:{prefix}:Opening", "")]
        )
        + "\n"
        + _transaction(
            rng,
            f"{second[1]} count the cash",
            [(f"Assets:{prefix}:Cash", f"= {_dollars(target)}"), (f"Expenses:{prefix}:Unknown", counter)],
        )
    )


@construct("default_commodity", "D $1,000.00, then amounts with no commodity")
def _default_commodity(rng, prefix):
    _, date = _date(rng)
    quantity = _quantity(rng)
    return Piece(
        "D $1,000.00\n\n"
        + _transaction(
            rng,
            f"{date} default commodity",
            [(f"Expenses:{prefix}:Food", f"{quantity}"), (f"Assets:{prefix}:Bank", rng.choice(["", f"-{quantity}"]))],
        ),
        tail=True,
    )


@construct("alias", "alias checking = Assets:Bank:Checking")
def _alias(rng, prefix):
    spacing = rng.choice([" = ", "=", "  =  "])
    return Piece(
        f"alias checking{spacing}Assets:{prefix}:Checking\nalias food{spacing}Expenses:{prefix}:Food\n\n"
        + _transaction(rng, f"{_date(rng)[1]} aliased", [("food", _dollars(_quantity(rng), rng)), ("checking", "")])
        + "\n"
        + _transaction(rng, f"{_date(rng)[1]} sub-account of an alias", [("checking:savings", "$1.00"), ("checking", "")]),
        tail=True,
    )


@construct("alias_regex", "alias /^old:(.*)$/ = Assets:New:\\1")
def _alias_regex(rng, prefix):
    return Piece(
        f"alias /^old:(.*)$/ = Assets:{prefix}:\\1\nalias /food/ = groceries\n\n"
        + _transaction(
            rng, f"{_date(rng)[1]} regex aliases", [("Expenses:food", _dollars(_quantity(rng), rng)), ("old:bank", "")]
        ),
        tail=True,
    )


@construct("year_less_dates", "Y 2025, then 1/5 Rent")
def _year_less(rng, prefix):
    directive = "Y"  # hledger 1.25 has no `year` (ledger's spelling)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    separator = rng.choice("/-.")
    return Piece(
        f"{directive} 2025\n\n"
        + _transaction(
            rng,
            f"{month}{separator}{day} year-less",
            [(f"Expenses:{prefix}:Rent", _dollars(_quantity(rng), rng)), (f"Assets:{prefix}:Bank", "")],
        )
        + "\n"
        + _simple(rng, prefix, 1),
        tail=True,
    )


@construct("account_subdirectives", "account Assets:Bank\\n    note main account\\n    alias bank")
def _account_subdirectives(rng, prefix):
    lines = rng.sample(
        [
            "    note the main account",
            "    alias bank",
            f"    payee {prefix}",
            "    default",
            "    check commodity == '$'",
            "    assert amount > 0",
        ],
        rng.randint(1, 3),
    )
    return Piece(f"account Assets:{prefix}:Bank\n" + "\n".join(lines) + "\n\n" + _simple(rng, prefix, 1))


@construct("automated_transactions", "= Expenses:Food\\n    (Budget:Food)  *-1   (hledger --auto)")
def _automated(rng, prefix):
    postings = rng.choice(
        [
            [(f"(Budget:{prefix})", "*-1")],
            [(f"(Budget:{prefix})", "$1.00")],
            [(f"Liabilities:{prefix}:Tax", "*0.1"), (f"Assets:{prefix}:Bank", "*-0.1")],
        ]
    )
    rule = _transaction(rng, f"= Expenses:{prefix}", postings)
    return Piece(rule + "\n" + _simple(rng, prefix, rng.randint(1, 3)), hledger_options=("--auto",), print_options=())


@construct("apply_account", "apply account Personal ... end apply account")
def _apply_account(rng, prefix):
    end = "end apply account"  # hledger 1.25 rejects ledger's short `end apply`
    return Piece(f"apply account {prefix}\n\n" + _simple(rng, "Inner", 1) + f"\n{end}\n\n" + _simple(rng, prefix, 1), tail=True)


@construct("N_directive", "N $")
def _n_directive(rng, prefix):
    return Piece("N $\n\n" + _simple(rng, prefix, 1))


@construct("C_directive", "C 1.00 h = 60m")
def _c_directive(rng, prefix):
    _, date = _date(rng)
    return Piece(
        "C 1.00 h = 60m\n\n"
        + _transaction(
            rng, f"{date} hours", [(f"Expenses:{prefix}:Time", f"{_quantity(rng, 1, 9)} h"), (f"Assets:{prefix}:Time", "")]
        )
    )


@construct("decimal_mark", "decimal-mark , then 1.234,56 EUR")
def _decimal_mark(rng, prefix):
    quantity = _quantity(rng, 1000, 90000)
    whole, cents = f"{quantity:.2f}".split(".")
    written = f"{int(whole):,}".replace(",", ".") + "," + cents
    return Piece(
        "decimal-mark ,\n\n"
        + _transaction(
            rng, f"{_date(rng)[1]} comma", [(f"Assets:{prefix}:Euro", f"{written} EUR"), (f"Equity:{prefix}:Opening", "")]
        ),
        tail=True,
    )


@construct("virtual_cost", "    Assets:Euro  2 EUR (@) $1.10 (and (@@))")
def _virtual_cost(rng, prefix):
    units, price = _quantity(rng, 1, 500), _quantity(rng, 1, 3)
    cost = rng.choice([f"(@) {_dollars(price)}", f"(@@) {_dollars(units * price)}"])
    return Piece(
        _transaction(
            rng,
            f"{_date(rng)[1]} virtual cost",
            [(f"Assets:{prefix}:Euro", f"{units} EUR {cost}"), (f"Assets:{prefix}:Bank", _dollars(-units * price, rng))],
        )
    )


@construct("space_digit_groups", "    Assets:Bank  $1 000 000.00")
def _space_groups(rng, prefix):
    quantity = _quantity(rng, 1000, 9_000_000)
    written = f"{quantity:,.2f}".replace(",", " ")
    return Piece(
        _transaction(rng, f"{_date(rng)[1]} spaced", [(f"Assets:{prefix}:Bank", f"${written}"), (f"Equity:{prefix}:Opening", "")])
    )


@construct("bang_include", "!include other.journal")
def _bang_include(rng, prefix):
    inner = prefix.lower()
    return Piece(
        f"!include {inner}/other.journal\n\n" + _simple(rng, prefix, 1),
        files={f"{inner}/other.journal": _simple(rng, prefix + "Other", 1)},
    )


@construct("amountless_virtual", "    (Budget:Unset)      ; a virtual posting with no amount")
def _amountless_virtual(rng, prefix):
    _, date = _date(rng)
    quantity = _quantity(rng)
    return Piece(
        _transaction(
            rng,
            f"{date} amountless",
            [
                (f"Expenses:{prefix}:Food", _dollars(quantity, rng)),
                (f"Assets:{prefix}:Bank", _dollars(-quantity, rng)),
                (f"(Budget:{prefix})", ""),
            ],
        )
    )


@construct("parenthesised_accounts", "    Assets:Bank:Joint (Main)  $5.00")
def _parenthesised(rng, prefix):
    _, date = _date(rng)
    return Piece(
        _transaction(
            rng,
            f"{date} parentheses",
            [(f"Assets:{prefix}:Joint (Main)", _dollars(_quantity(rng), rng)), (f"Equity:{prefix}:Opening (2026)", "")],
        )
    )
