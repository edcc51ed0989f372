"""Reads a Parquet file with PyArrow (the independent reader of test/integration/output-formats.test.ts).

Reads the file's bytes on stdin and prints {"schema": [[name, arrow type], ...], "rows": [{column: value}, ...]}:
dates as YYYY-MM-DD, 64-bit integers as JSON integers, doubles with Python's shortest round-trip repr.
"""

import datetime
import io
import json
import os
import sys

import pyarrow.parquet as pq


def main() -> None:
    # One thread: a small file, and no thread pool left to tear down at exit.
    table = pq.read_table(io.BytesIO(sys.stdin.buffer.read()), use_threads=False)
    schema = [[field.name, str(field.type)] for field in table.schema]
    rows = [
        {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in row.items()} for row in table.to_pylist()
    ]
    json.dump({"schema": schema, "rows": rows}, sys.stdout)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
    # Skip the interpreter's teardown: Arrow's C++ threads there once aborted the process ("terminate called without
    # an active exception") after the output was complete.
    os._exit(0)
