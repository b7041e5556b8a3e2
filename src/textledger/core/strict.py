"""Optional stricter checks (`check --strict`): every account and commodity declared.

Like hledger's `check accounts commodities`: a typo in an account name otherwise opens a
new account silently. Each problem points at the first posting that uses the name.
"""

from __future__ import annotations

from textledger.core.records import Journal, Problem


def strict_problems(journal: Journal) -> list[Problem]:
    """An error at the first use of each undeclared account and commodity."""
    accounts = {declaration.name for declaration in journal.accounts}
    commodities = {declaration.symbol for declaration in journal.commodities} | {""}
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for transaction in journal.transactions:
        for posting in transaction.postings:
            source = posting.source or transaction.source
            used = [("account", posting.account)]
            amounts = [posting.amount] + ([posting.cost.amount] if posting.cost else [])
            used += [("commodity", amount.commodity) for amount in amounts if amount is not None]
            for kind, name in used:
                known = accounts if kind == "account" else commodities
                if name in known or (kind, name) in seen:
                    continue
                seen.add((kind, name))
                message = f"{kind} {name!r} is not declared: add `{kind} {name}` (--strict)"
                if source is None:  # an entry built in code, not read from a file
                    problems.append(Problem("<unknown>", 0, 0, message))
                else:
                    problems.append(Problem(source.file, source.line, 1, message))
    return sorted(problems, key=lambda p: (p.file, p.line))
