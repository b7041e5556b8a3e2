"""Where textledger touches the world beyond reading journals: atomic writes (atomic.py),
rewriting several files as one change (rewrite.py), journals as they were in a git
revision (git.py), bank statement and rules files (bankfiles.py)."""
