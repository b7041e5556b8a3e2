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
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

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


def type_from_tag(value: str) -> AccountType | None:
    """The type a `type:` tag names, or None when it names none we know."""
    return _TYPE_WORDS.get(value.strip().lower())


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
        declared: dict[str, AccountType] = {}
        warnings = []
        for declaration in journal.accounts:
            value = declaration.tag("type")
            if value is None:
                continue
            kind = type_from_tag(value)
            if kind is None:
                source = declaration.source
                warnings.append(Problem(
                    source.file if source else "<journal>", source.line if source else 0, 1,
                    f"unknown account type {value!r} for {declaration.name}: write one of asset, liability,"
                    " equity, revenue, expense, cash (or A, L, E, R, X, C); using its name instead",
                    warning=True))
                continue
            declared[declaration.name] = kind
        return cls(declared, tuple(warnings))

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
