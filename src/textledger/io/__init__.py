"""Where textledger touches the world beyond reading journals: the one locked, atomic way
a journal file is written (atomic.py), appending checked entries (appending.py), entries
typed by a person (entries.py), rewriting several files as one change (rewrite.py),
journals as they were in a git revision (git.py), bank statement and rules files
(bankfiles.py)."""
