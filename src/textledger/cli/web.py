"""`web`: serve the books to a browser on this machine (textledger.web; docs/web.md).

The command checks its options, says where it listens and runs Flask's threaded server
until interrupted; everything else is the web package's.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from typing import TextIO

from textledger.cli.base import Command, UsageError, alias_options, journal_files, this_year
from textledger.core.records import Journal
from textledger.files import STDIN
from textledger.io import cache


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (default 5000; 0: any free port)")
    parser.add_argument("--read-only", action="store_true", help="show the books, write nothing (no forms)")
    parser.add_argument("--strict", action="store_true",
                        help="entries may use only declared accounts and commodities (as check --strict)")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_web(journal: Journal | None, args: argparse.Namespace, out: TextIO) -> int:
    from werkzeug.serving import make_server

    from textledger.web import Books, create_app

    files = journal_files(args)
    if STDIN in files:
        raise UsageError("web reads the journal again when it changes: give files, not standard input")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: write a port from 0 to 65535")
    books = Books(files, year=this_year(), use_cache=cache.enabled(args.no_cache), aliases=alias_options(args),
                  auto=args.auto)
    local = _loopback(args.host)
    app = create_app(books, read_only=args.read_only, strict=args.strict,
                     hosts=("127.0.0.1", "localhost", "::1", args.host) if local else None)
    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except OSError as error:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    host = f"[{args.host}]" if ":" in args.host else args.host
    where = "this machine only" if local else "every machine that can reach this address: anyone there can see the books"
    mode = ", read-only" if args.read_only else ""
    print(f"textledger web: serving {', '.join(files)} at http://{host}:{server.server_port}/ ({where}{mode});"
          " Ctrl-C stops it", file=out, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("textledger web: stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


COMMANDS = (
    Command("web", "serve the books to a browser on this machine: reports, registers, entry forms",
            _configure, cmd_web, formats=("text",), needs_journal=False),
)
