"""`--append` for `payroll run`, `import` and `stockcheck`: the library's append path
(`textledger.io.appending`), with its refusals as usage errors (exit 2); a journal that
would not load with the entries is a JournalError (exit 1)."""

from __future__ import annotations

from collections.abc import Callable

from textledger.cli.base import UsageError
from textledger.core.records import Journal
from textledger.io import appending


def append_checked(path: str, text: str, files: list[str], landed: Callable[[Journal], bool],
                   basis: Journal | None = None) -> None:
    """See `textledger.io.appending.append_checked`."""
    try:
        appending.append_checked(path, text, files, landed, basis)
    except appending.AppendRefused as error:
        raise UsageError(str(error)) from None
