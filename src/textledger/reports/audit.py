"""The audit trail's questions of the journal: which entries a name means (an invoice or
bill number, a check number, a line), and which lines of its file an entry spans — for
`log`, which asks git (io/git.py) who changed those lines, when and how."""

from __future__ import annotations

from textledger.core.records import Journal, Transaction


def named(journal: Journal, name: str) -> list[Transaction]:
    """The entries `name` names: by an `invoice:` or `bill:` tag (on the entry or one of its
    postings: an invoice and its payments) or by their code (`(1042)`, given as 1042 or
    (1042)), in file order."""
    code = name[1:-1] if name.startswith("(") and name.endswith(")") else name
    found = []
    for transaction in journal.transactions:
        if (code and transaction.code == code) or any(
                key in ("invoice", "bill") and value == name
                for tags in (transaction.tags, *(p.tags for p in transaction.postings)) for key, value in tags):
            found.append(transaction)
    return found


def at_line(journal: Journal, file: str, line: int) -> Transaction | None:
    """The entry of `file` (as the journal names it) whose lines hold `line`."""
    for transaction in journal.transactions:
        source = transaction.source
        if source is not None and source.file == file and source.line <= line <= span(journal, transaction)[1]:
            return transaction
    return None


def span(journal: Journal, transaction: Transaction) -> tuple[int, int]:
    """The first and last line of the entry in its file: its date line, then every indented
    line up to the first blank or unindented one."""
    source = transaction.source
    assert source is not None
    lines = dict(journal.sources.files).get(source.file, ())
    last = source.line
    while last < len(lines) and lines[last][:1].isspace() and lines[last].strip():
        last += 1
    return source.line, last
