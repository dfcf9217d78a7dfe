"""A sweep's cases on a Dask cluster (`suanli sweep --scheduler ADDRESS`).

The source bundle (the root spec and its imports, read here) is scattered to
every worker once; each case is one task running `suanli.sweep.run_case`, so
workers need only `pip install suanli` (the same version as here). Rows come
back in case order. A worker lost mid-case gives that case an error row. On
Ctrl-C the pending tasks are cancelled and the client closed.
"""

from __future__ import annotations

import uuid
from typing import Callable

from suanli.exitcodes import ExitCode
from suanli.sweep import Case, CaseOptions, SourceBundle, _failed_row, run_case

CONNECT_TIMEOUT = "20s"


def run_on_dask(address: str, bundle: SourceBundle, cases: list[Case], options: CaseOptions,
                tick: Callable[[int], object]) -> list[dict]:
    from distributed import Client, as_completed

    from suanli.exitcodes import CommandError, ExitCode

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise CommandError(f"suanli: cannot reach the Dask scheduler at {address}: {exc}", ExitCode.INVALID) from None
    futures = []
    try:
        shared = client.scatter(bundle, broadcast=True, hash=False)
        tag = uuid.uuid4().hex[:8]
        futures = [client.submit(run_case, shared, case, options, key=f"suanli-case-{tag}-{i}", pure=False)
                   for i, case in enumerate(cases)]
        where = {f.key: i for i, f in enumerate(futures)}
        rows: list = [None] * len(cases)
        for future in as_completed(futures):
            i = where[future.key]
            rows[i] = _result(future, cases[i])
            tick(1)
        return rows
    finally:
        if futures:
            client.cancel(futures)
        client.close(timeout=10)


def _result(future, case: Case) -> dict:
    try:
        return future.result()
    except Exception as exc:  # the worker died or the task could not run there
        return _failed_row(case, "error", int(ExitCode.INTERNAL), f"dask: {type(exc).__name__}: {exc}")
