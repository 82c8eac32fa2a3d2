"""`python -m bench seed|run|http --tier S|M|L --db sqlite|postgresql://...` (see bench/README.md)."""

from __future__ import annotations

import argparse
import os
import platform
import sys

os.environ.setdefault("APP_ENV", "production")


def _prepare(args, echo=print):
    from app.extensions import db
    from bench import generate
    from bench.app import database_url, make_app
    from bench.pages import seeded_tier

    url = database_url(args.db, args.tier)
    app = make_app(url)
    with app.app_context():
        try:
            tier = seeded_tier()
        except Exception:  # noqa: BLE001 - no tables yet
            db.session.rollback()
            tier = None
        if args.command == "seed" or tier != args.tier or args.reseed:
            generate.seed(args.tier, echo=echo)
        db.session.remove()
    return app, url


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("command", choices=["seed", "run", "http"])
    parser.add_argument("--tier", default="M", choices=["S", "M", "L"])
    parser.add_argument("--db", default="sqlite", help="'sqlite' (instance/bench-<tier>.db) or a PostgreSQL URL")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the database holds the tier")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (in-process runner)")
    parser.add_argument("--seconds", type=float, default=120, help="upper bound on the timed rounds")
    parser.add_argument("--duration", type=int, default=5, help="seconds per page (HTTP runner)")
    parser.add_argument("--connections", type=int, default=4, help="open connections (HTTP runner)")
    parser.add_argument("--pages", default="", help="only pages whose 'role page' contains this text")
    args = parser.parse_args(argv)

    app, url = _prepare(args)
    if args.command == "seed":
        return 0
    from app.extensions import db
    from bench.pages import cast

    with app.app_context():
        people = cast()
        db.session.remove()
    if args.pages:
        people.pages = [p for p in people.pages if args.pages in f"{p.role} {p.name}"]
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"tier {args.tier} on {backend}; Python {platform.python_version()}, {os.cpu_count()} cores")
    if args.command == "run":
        from bench import inprocess

        results, floor = inprocess.run(app, people, rounds=args.rounds, seconds=args.seconds)
        print(inprocess.table(results, floor))
        bad = [r for r in results if r.status >= 400 or r.writes]
        if bad:
            print("pages that failed or wrote on GET: " + ", ".join(f"{r.page.role} {r.page.name}" for r in bad))
        return 1 if bad else 0
    from bench import http

    return http.main(url, people, duration=args.duration, connections=args.connections)


if __name__ == "__main__":
    sys.exit(main())
