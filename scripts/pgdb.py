"""Create, drop or ping a PostgreSQL database for the test pass.

pgdb.py ping|create|drop URL [NAME]
"""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql


def main(argv: list[str]) -> int:
    action, url = argv[0], argv[1]
    try:
        if action == "ping":
            with psycopg.connect(url, connect_timeout=3):
                return 0
        name = argv[2]
        with psycopg.connect(f"{url}/postgres", autocommit=True, connect_timeout=5) as conn:
            if action == "create":
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                # pytest-django runs against test_<name>; drop that too on the way out.
            elif action == "drop":
                for db in (name, f"test_{name}"):
                    conn.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(db)
                        )
                    )
            else:
                print(f"unknown action {action}", file=sys.stderr)
                return 2
    except psycopg.Error as exc:
        if action != "ping":
            print(f"pgdb {action}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
