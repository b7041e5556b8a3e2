"""The core: records, the grammar and parser, the loading stages, queries, periods, accounts,
amounts, printing and `fmt`. Pure (no files but its own grammar, no clock, no output) and
knows no feature: what the features add comes in through a `loading.Pipeline` value."""
