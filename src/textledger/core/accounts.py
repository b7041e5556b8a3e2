"""Account types: which accounts are assets, liabilities, equity, revenue, expenses or cash.

Financial statements sort accounts by type. A type comes from the nearest `account`
directive with a `type:` tag — the account's own, else an ancestor's (a type declared on
`Assets:Bank` covers `Assets:Bank:Checking`) — in words (`asset`, `liability`, `equity`,
`revenue`, `expense`, `cash`) or hledger's letters (`A L E R X C`). Otherwise the
top-level name decides, as in hledger: `Assets`/`Asset`, `Liabilities`/`Liability`/`Debts`,
`Equity`, `Income`/`Revenue`/`Revenues`, `Expenses`/`Expense` (any case).

Cash is a kind of asset. When no account is declared `type: cash`, asset accounts whose
name has the word cash, bank, checking or savings (`Assets:Petty Cash`,
`Assets:Bank:Checking`) are cash.
The types other areas declare (`receivable`, `inventory`, `payable`) are assets or
liabilities here; an unknown type is reported as a warning and the name decides.

The cash flow statement also needs each account's activity — operating, investing or
financing: `Activities` reads it from a `cashflow:` tag, else from the type and the words
of the name (docs/reports.md, "Cash flow activities").
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from textledger.core.records import AccountDeclaration, Journal, Problem


class AccountType(enum.Enum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"
    CASH = "cash"

    @property
    def is_asset(self) -> bool:
        return self in (AccountType.ASSET, AccountType.CASH)

    @property
    def credit_normal(self) -> bool:
        """Liabilities, equity and revenue grow with credits: statements show them sign-flipped."""
        return self in (AccountType.LIABILITY, AccountType.EQUITY, AccountType.REVENUE)


_TYPE_WORDS: dict[str, AccountType] = {
    "a": AccountType.ASSET, "asset": AccountType.ASSET, "assets": AccountType.ASSET,
    "l": AccountType.LIABILITY, "liability": AccountType.LIABILITY, "liabilities": AccountType.LIABILITY,
    "e": AccountType.EQUITY, "equity": AccountType.EQUITY,
    "r": AccountType.REVENUE, "revenue": AccountType.REVENUE, "revenues": AccountType.REVENUE,
    "income": AccountType.REVENUE,
    "x": AccountType.EXPENSE, "expense": AccountType.EXPENSE, "expenses": AccountType.EXPENSE,
    "c": AccountType.CASH, "cash": AccountType.CASH,
    # subtypes declared for other reports (receivables, payables, inventory)
    "receivable": AccountType.ASSET, "inventory": AccountType.ASSET, "payable": AccountType.LIABILITY,
}

_TOP_LEVEL = (
    (re.compile(r"assets?", re.IGNORECASE), AccountType.ASSET),
    (re.compile(r"liabilit(y|ies)|debts?", re.IGNORECASE), AccountType.LIABILITY),
    (re.compile(r"equity", re.IGNORECASE), AccountType.EQUITY),
    (re.compile(r"income|revenues?", re.IGNORECASE), AccountType.REVENUE),
    (re.compile(r"expenses?", re.IGNORECASE), AccountType.EXPENSE),
)

# like hledger's fallback for cash when no account is declared as cash, by whole words
_CASH_NAME = re.compile(r"\b(cash|bank|banks|che(ck|que)(ing)?|savings?)\b", re.IGNORECASE)


def clip(account: str, depth: int | None) -> str:
    """The account's ancestor at `depth` levels (the account itself when shallower)."""
    if depth is None:
        return account
    return ":".join(account.split(":")[:depth])


def type_from_tag(value: str) -> AccountType | None:
    """The type a `type:` tag names, or None when it names none we know."""
    return _TYPE_WORDS.get(value.strip().lower())


T = TypeVar("T")


def declared_tags(journal: Journal, tag: str, read: Callable[[str], T | None],
                  unknown: Callable[[str, str], str]) -> tuple[dict[str, T], tuple[Problem, ...]]:
    """Each `account` declaration's `tag:` value as `read` reads it, by account name; a value
    it cannot read (None) is left out, with a warning at the declaration saying `unknown(value, name)`."""
    declared: dict[str, T] = {}
    warnings = []
    for declaration in journal.accounts:
        value = declaration.tag(tag)
        if value is None:
            continue
        found = read(value)
        if found is None:
            source = declaration.source
            warnings.append(Problem(source.file if source else "<journal>", source.line if source else 0, 1,
                                    unknown(value, declaration.name), warning=True))
            continue
        declared[declaration.name] = found
    return declared, tuple(warnings)


class AccountTypes:
    """The type of every account of a journal: `AccountTypes.of(journal).type_of(name)`.

    A lookup helper (it remembers answers), not a record: build one per report.
    """

    __slots__ = ("_declared", "_any_cash_declared", "warnings", "_cache")

    def __init__(self, declared: dict[str, AccountType], warnings: tuple[Problem, ...] = ()):
        self._declared = dict(declared)
        self._any_cash_declared = AccountType.CASH in self._declared.values()
        self.warnings = warnings
        self._cache: dict[str, AccountType | None] = {}

    @classmethod
    def of(cls, journal: Journal) -> AccountTypes:
        declared, warnings = declared_tags(
            journal, "type", type_from_tag,
            lambda value, name: f"unknown account type {value!r} for {name}: write one of asset, liability,"
                                " equity, revenue, expense, cash (or A, L, E, R, X, C); using its name instead")
        return cls(declared, warnings)

    def type_of(self, account: str) -> AccountType | None:
        """The account's type, or None when neither a directive nor its name says."""
        try:
            return self._cache[account]
        except KeyError:
            kind = self._cache[account] = self._find(account)
            return kind

    def _find(self, account: str) -> AccountType | None:
        parts = account.split(":")
        for level in range(len(parts), 0, -1):
            kind = self._declared.get(":".join(parts[:level]))
            if kind is not None:
                break
        else:
            top = parts[0]
            kind = next((k for pattern, k in _TOP_LEVEL if pattern.fullmatch(top)), None)
        if kind is AccountType.ASSET and not self._any_cash_declared and _CASH_NAME.search(account):
            return AccountType.CASH
        return kind

    def is_cash(self, account: str) -> bool:
        return self.type_of(account) is AccountType.CASH


INVENTORY_ROOT = "Assets:Inventory"


class InventoryAccounts:
    """Which accounts hold stock: any declared `type: inventory` (or below one that is), and
    every account under `Assets:Inventory`. A lookup helper that remembers its answers."""

    __slots__ = ("_declared", "_cache")

    def __init__(self, declarations: Iterable[AccountDeclaration]):
        self._declared = {d.name for d in declarations if (d.tag("type") or "").strip().lower() == "inventory"}
        self._cache: dict[str, bool] = {}

    def __contains__(self, account: str) -> bool:
        try:
            return self._cache[account]
        except KeyError:
            found = self._cache[account] = self._find(account)
            return found

    def _find(self, account: str) -> bool:
        if account == INVENTORY_ROOT or account.startswith(INVENTORY_ROOT + ":"):
            return True
        # the account or a parent is declared: one look-up per declared name's length, not per
        # segment (an account of 20,000 segments would otherwise take seconds)
        return any(account[:size] in self._declared and account[size:size + 1] in ("", ":")
                   for size in {len(name) for name in self._declared} if size <= len(account))


# ---------------------------------------------------------------- cash flow activities



class Activity(enum.Enum):
    """Where the cash flow statement puts an account's cash: operating, investing or financing."""

    OPERATING = "operating"
    INVESTING = "investing"
    FINANCING = "financing"


def _words(*words: str) -> re.Pattern[str]:
    """Any of `words` as a whole word (or phrase), in any case."""
    return re.compile(r"(?<!\w)(" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


# Assets that turn over in the business (working capital) even when another word says long-term
_WORKING_ASSET = _words(r"receivables?", r"inventor(y|ies)", r"prepaids?", r"prepayments?", "accrued", "unbilled")
_LONG_TERM_ASSET = _words(
    "equipment", "fixed", r"propert(y|ies)", "plant", "ppe", r"vehicles?", "furniture", r"fixtures?", r"computers?",
    "machinery", r"buildings?", "land", r"leaseholds?", r"investments?", "securities", "depreciation",
    r"amorti[sz]ation", r"intangibles?", "goodwill", r"patents?", r"trademarks?", r"copyrights?", r"loans?",
    r"long[- ]?term", r"non[- ]?current")
_BORROWING = _words(r"loans?", r"mortgages?", r"notes?", r"bonds?", r"debentures?", r"borrowings?",
                    r"long[- ]?term", r"non[- ]?current", r"lines? of credit", r"credit lines?", r"dividends?")
# Revenue and expenses that are gains or losses on selling an asset: their cash is investing
_GAIN_OR_LOSS = _words(r"gains?", r"loss(es)?")
_CURRENCY = _words("exchange", r"currenc(y|ies)", "forex", "fx", "conversion", "translation", "rounding")
_WORKING_TYPES = frozenset({"receivable", "inventory", "payable"})
_PAYABLES = re.compile(r"[^:]*:(accounts )?payables?(:|$)", re.IGNORECASE)  # as receivables/openitems.py reads them


def activity_from_tag(value: str) -> Activity | None:
    """The activity a `cashflow:` tag names, or None when it names none we know."""
    try:
        return Activity(value.strip().lower())
    except ValueError:
        return None


class Activities:
    """The cash flow activity of every non-cash account: `Activities.of(journal).activity_of(name)`.

    The nearest `account` directive with a `cashflow:` tag decides (the account's own, else
    an ancestor's). Otherwise its type and name: revenue and expenses are operating, except
    gains and losses (investing); equity is financing; other assets are operating unless
    their name says long-term (`Equipment`, `Accumulated Depreciation`, ...: investing);
    liabilities are operating unless their name says borrowing (`Loan`, `Mortgage`, ...:
    financing); accounts of no type are operating. Receivables and inventory (by name or
    declared `type:`) and payables (declared, or under `Liabilities:Payable`) are always
    operating. A lookup helper, like AccountTypes.
    """

    __slots__ = ("_types", "_declared", "_subtypes", "warnings", "_cache")

    def __init__(self, types: AccountTypes, declared: dict[str, Activity], subtypes: dict[str, str],
                 warnings: tuple[Problem, ...] = ()):
        self._types = types
        self._declared = dict(declared)
        self._subtypes = dict(subtypes)
        self.warnings = warnings
        self._cache: dict[str, Activity] = {}

    @classmethod
    def of(cls, journal: Journal, types: AccountTypes | None = None) -> Activities:
        declared, warnings = declared_tags(
            journal, "cashflow", activity_from_tag,
            lambda value, name: f"unknown cash flow activity {value!r} for {name}: write one of operating, investing,"
                                " financing; using its type and name instead")
        subtypes = {declaration.name: kind for declaration in journal.accounts
                    if (kind := (declaration.tag("type") or "").strip().lower())}
        return cls(types or AccountTypes.of(journal), declared, subtypes, warnings)

    def activity_of(self, account: str) -> Activity:
        try:
            return self._cache[account]
        except KeyError:
            activity = self._cache[account] = self._find(account)
            return activity

    def _nearest(self, table: dict[str, T], account: str) -> T | None:
        parts = account.split(":")
        for level in range(len(parts), 0, -1):
            found = table.get(":".join(parts[:level]))
            if found is not None:
                return found
        return None

    def _find(self, account: str) -> Activity:
        declared = self._nearest(self._declared, account)
        if declared is not None:
            return declared
        kind = self._types.type_of(account)
        if kind in (AccountType.REVENUE, AccountType.EXPENSE):
            gain_or_loss = _GAIN_OR_LOSS.search(account) and not _CURRENCY.search(account)
            return Activity.INVESTING if gain_or_loss else Activity.OPERATING
        if kind is AccountType.EQUITY:
            return Activity.FINANCING
        if kind not in (AccountType.ASSET, AccountType.LIABILITY):
            return Activity.OPERATING  # cash (never asked) and accounts of no type
        if (self._nearest(self._subtypes, account) or "") in _WORKING_TYPES:
            return Activity.OPERATING
        if kind is AccountType.ASSET:
            if _WORKING_ASSET.search(account) or not _LONG_TERM_ASSET.search(account):
                return Activity.OPERATING
            return Activity.INVESTING
        return Activity.FINANCING if _BORROWING.search(account) and not _PAYABLES.match(account) else Activity.OPERATING
