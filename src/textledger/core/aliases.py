"""Account aliases (`alias OLD = NEW`, `alias /REGEX/ = REPLACEMENT`), applied as hledger 1.25
applies them.

A plain alias renames the account OLD and its sub-accounts (`OLD:x` → `NEW:x`), case
sensitively. A regular expression alias replaces every match in the whole name, case
insensitively, and `\\1` … `\\9` in the replacement are the groups it matched.

hledger's regular expressions (regex-tdfa) run in linear time; Python's backtrack, so a
hostile pattern such as `(a+)+b` could run for ages. A pattern is therefore refused when a
repetition holds another repetition or an alternative, or when it refers back to a group;
and the work left, about n^(k+1) steps for a name of n characters and a pattern with k
repetitions, is bounded: a name too long for its pattern is an error at its posting.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parser  # type: ignore[import-not-found]
from typing import Any

import attrs

MAX_STEPS = 10**8
"""The most backtracking steps (about n^(k+1)) one regular expression alias may cost on one name."""

_REPEATS = frozenset({sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                      getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)})
_GROUP = re.compile(r"\\(\d)")


class AliasError(ValueError):
    """An alias that cannot be used (its message says why)."""


@attrs.frozen
class Alias:
    """One alias: a plain name (`regex` None) or a regular expression, and its replacement."""

    old: str
    new: str
    regex: re.Pattern[str] | None = attrs.field(default=None, eq=False)
    repeats: int = 0

    def apply(self, name: str) -> str:
        """The account name after this alias."""
        if self.regex is None:
            if name == self.old:
                return self.new
            if name.startswith(self.old) and name[len(self.old):len(self.old) + 1] == ":":
                return self.new + name[len(self.old):]
            return name
        if len(name) ** (self.repeats + 1) > MAX_STEPS:
            raise AliasError(f"the account name is too long ({len(name)} characters) for the alias /{self.old}/:"
                             " shorten it, or simplify the alias (fewer repetitions such as * and +)")
        return self.regex.sub(self._replacement, name)

    def _replacement(self, match: re.Match[str]) -> str:
        """hledger's replacement: `\\N` is group N, everything else is itself."""
        return _GROUP.sub(lambda group: match.group(int(group[1])) or "", self.new)


def make_alias(old: str, new: str, regex: bool) -> Alias:
    """An Alias from an `alias` line's parts; AliasError when a regular expression is not one,
    may run for ages, or names a group it does not have."""
    if not regex:
        return Alias(old, new)
    try:
        compiled = re.compile(old, re.IGNORECASE)
        tree = sre_parser.parse(old, re.IGNORECASE)
    except (re.error, OverflowError, RecursionError) as error:
        raise AliasError(f"/{old}/ is not a regular expression: {error}") from None
    repeats = _count_repeats(list(tree), old, inside_repeat=False)
    for group in _GROUP.finditer(new):
        if int(group[1]) > compiled.groups:
            raise AliasError(f"the replacement refers to group \\{group[1]}, but /{old}/ has {compiled.groups} groups")
    return Alias(old, new, compiled, repeats)


def _count_repeats(items: list[tuple[Any, Any]], pattern: str, inside_repeat: bool) -> int:
    """How many repetitions (`*`, `+`, `{m,n}`) the parsed pattern has; AliasError for the
    shapes that backtrack exponentially."""
    count = 0
    for op, value in items:
        if op in _REPEATS:
            _low, high, body = value
            if high > 1:
                if inside_repeat:
                    raise AliasError(f"/{pattern}/ repeats a repetition (like `(a+)+`), which can take ages"
                                     " to match: write it without nested repetition")
                count += 1
            count += _count_repeats(list(body), pattern, inside_repeat or high > 1)
        elif op == sre_constants.SUBPATTERN:
            count += _count_repeats(list(value[-1]), pattern, inside_repeat)
        elif op == sre_constants.BRANCH:
            if inside_repeat:
                raise AliasError(f"/{pattern}/ repeats an alternative (like `(a|ab)*`), which can take ages"
                                 " to match: write it without repeating `|`")
            count += max(_count_repeats(list(branch), pattern, inside_repeat) for branch in value[1])
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            count += _count_repeats(list(value[1]), pattern, inside_repeat)
        elif op in (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS):
            raise AliasError(f"/{pattern}/ refers back to a group inside the pattern, which textledger does not allow"
                             " (it can take ages to match)")
    return count
