"""How long a page of the web view takes on a warm cache: each page of the example company
(journals/studio.journal) requested through Flask's test client, once to warm up (the
journal loaded, or read from the journal cache, and the templates compiled), then
`--runs` times; the median, fastest and slowest in milliseconds. The target is a median
under 200 ms for every page (issue 18). Run `python bench/web.py --help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from textledger.web import Books, create_app  # noqa: E402 -- after the source tree is on the path

PAGES = ("/balancesheet", "/balancesheet?p=2026&columns=month", "/incomestatement?p=2026q3&columns=month",
         "/cashflow?p=2026", "/accounts", "/register?account=Assets:Bank:Checking", "/aging", "/payroll",
         "/stock", "/forecast", "/check", "/add", "/report?month=2026-09")
TARGET_MS = 200


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-f", "--file", default=str(REPO / "journals" / "studio.journal"), help="the journal")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--today", default="2026-10-31", help="the date pages like aging take as today")
    parser.add_argument("--json", action="store_true", help="machine-readable results on stdout")
    args = parser.parse_args(argv)
    today = dt.date.fromisoformat(args.today)
    client = create_app(Books([args.file]), today=lambda: today).test_client()
    rows = []
    for page in PAGES:
        warm = client.get(page)
        if warm.status_code != 200:
            print(f"{page}: {warm.status_code}", file=sys.stderr)
            return 1
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(page)
            times.append((time.perf_counter() - start) * 1000)
        rows.append({"page": page, "median_ms": round(statistics.median(times), 1),
                     "min_ms": round(min(times), 1), "max_ms": round(max(times), 1)})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        width = max(len(row["page"]) for row in rows)
        print(f"{'page':<{width}}  median ms  min ms  max ms")
        for row in rows:
            print(f"{row['page']:<{width}}  {row['median_ms']:>9}  {row['min_ms']:>6}  {row['max_ms']:>6}")
    slowest = max(row["median_ms"] for row in rows)
    print(f"slowest median {slowest} ms: {'under' if slowest < TARGET_MS else 'OVER'} the {TARGET_MS} ms target",
          file=sys.stderr)
    return 0 if slowest < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
