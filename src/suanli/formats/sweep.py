"""`sweep --format`: a sweep's rows as table, JSON, CSV or Parquet (docs/sweep.md; SWEEP_FORMATS).

JSON is a list of row objects (nested `cost` and `nodes`). CSV and Parquet are
flat: `cost.total` ... `cost.carbon`, and one `nodes.REGION` column per region
any case builds in (sorted by name; 0 where a case builds nothing there, empty
without a plan); `overrides` and `asserts_failed` are joined with "; " in CSV and
are lists in Parquet.
"""

from __future__ import annotations

import csv
import io
import json

from suanli.exitcodes import CommandError, ExitCode
from suanli.sweep import COST_PARTS

_HEAD = ("name", "scenario", "overrides", "description", "status", "code", "objective", "objective_unit",
         "currency")
_TAIL = ("carbon_tco2", "asserts_failed", "solve_time_s", "message")


def rows_json(rows: list[dict]) -> str:
    return json.dumps(rows, allow_nan=False, indent=2, ensure_ascii=False) + "\n"


def regions_of(rows: list[dict]) -> list[str]:
    return sorted({r for row in rows for r in row["nodes"]})


def columns(rows: list[dict]) -> list[str]:
    return (list(_HEAD) + [f"cost.{p}" for p in COST_PARTS] + list(_TAIL)
            + [f"nodes.{r}" for r in regions_of(rows)])


def flat(row: dict, regions: list[str]) -> dict:
    out = {k: row[k] for k in _HEAD + _TAIL}
    out.update({f"cost.{p}": row["cost"][p] for p in COST_PARTS})
    has_plan = row["objective"] is not None
    out.update({f"nodes.{r}": row["nodes"].get(r, 0) if has_plan else None for r in regions})
    return out


def rows_csv(rows: list[dict]) -> str:
    regions, buffer = regions_of(rows), io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(rows), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cells = flat(row, regions)
        for key in ("overrides", "asserts_failed"):
            cells[key] = "; ".join(cells[key])
        writer.writerow({k: "" if v is None else v for k, v in cells.items()})
    return buffer.getvalue()


def rows_parquet(rows: list[dict]) -> bytes:
    """The Parquet file's bytes (written atomically by the command, like every output)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ModuleNotFoundError:
        raise CommandError("suanli: --format parquet needs pyarrow: pip install 'suanli[sweep]'",
                           ExitCode.NOT_WRITTEN) from None
    regions = regions_of(rows)
    records = [flat(row, regions) for row in rows]
    fields = [(name, _arrow_type(pa, name)) for name in columns(rows)]
    table = pa.Table.from_pylist(records, schema=pa.schema(fields))
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _arrow_type(pa, name: str):
    if name in ("overrides", "asserts_failed"):
        return pa.list_(pa.string())
    if name == "code" or name.startswith("nodes."):
        return pa.int64() if name == "code" else pa.float64()
    if name in ("objective", "carbon_tco2", "solve_time_s") or name.startswith("cost."):
        return pa.float64()
    return pa.string()


def rows_table(rows: list[dict]) -> str:
    from suanli.rounding import num

    headers = ["case", "status", "objective", "cost.total", "carbon tCO2", "nodes", "time s", "message"]
    body = []
    for row in rows:
        nodes = ", ".join(f"{r}={num(n)}" for r, n in sorted(row["nodes"].items())) or "-"
        unit = f" {row['objective_unit']}" if row["objective"] is not None else ""
        body.append([row["name"], row["status"], num(row["objective"]) + unit, num(row["cost"]["total"]),
                     num(row["carbon_tco2"]), nodes, num(row["solve_time_s"]), _short(row["message"])])
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in body]) + "\n"


def _short(text: str, limit: int = 80) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 3] + "..."
