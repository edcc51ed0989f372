"""Runs SQL on current ClickHouse, embedded (PyPI chdb-core), for test/integration/current-clickhouse.test.ts.

Reads {"statements": [...], "queries": [...]} as JSON on stdin; runs the statements in order in a fresh session
(DDL, INSERT ... FORMAT JSONEachRow with inline rows, INSERT ... SELECT), then each query, and prints
{"version": "...", "results": [[row, ...], ...]} (each query's JSONEachRow rows). A failing statement or query
ends the process with its number, its first line and ClickHouse's message on stderr.
"""

import json
import sys
import tempfile

from chdb import session


def main() -> None:
    request = json.load(sys.stdin)
    with tempfile.TemporaryDirectory() as path:
        s = session.Session(path)
        version = s.query("SELECT version()", "TabSeparated").bytes().decode().strip()
        results = []
        steps = [("statement", q) for q in request["statements"]] + [("query", q) for q in request["queries"]]
        for number, (kind, sql) in enumerate(steps):
            try:
                if kind == "statement":
                    s.query(sql)
                else:
                    text = s.query(sql, "JSONEachRow").bytes().decode()
                    results.append([json.loads(line) for line in text.splitlines() if line])
            except Exception as err:  # chdb raises its own error types; report every one the same way
                first = sql.strip().splitlines()[0][:200]
                sys.stderr.write(f"{kind} {number} failed: {first}\n{err}\n")
                sys.exit(1)
        s.close()
    json.dump({"version": version, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
