"""Runs every benchmark module (benchmarks/bench_*.py, each with `run() -> list[Result]`), prints one
table with median, min, max, budget, floor and round trips, says plainly what is over budget, and writes
benchmarks/results.json. The exit code is 0 whatever the figures: the bench measures, it is not a test.

DynamoDB-bound benchmarks run at 0 and 8 ms a call, or at DEBTLOAD_BENCH_DYNAMODB_LATENCY_MS alone
(benchmarks/dynamo_stub.py); floors are described in benchmarks/common.py."""

from __future__ import annotations

import importlib
import json
import logging
import platform
import sys
import warnings
from pathlib import Path
from typing import Any

import devstack  # noqa: F401 - puts the layer on sys.path
from benchmarks.common import phone_floor_per_row_ms
from benchmarks.dynamo_stub import bench_latencies_ms

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore")
    rows: list[dict[str, Any]] = []
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    for name in names:
        if selected and not any(s in name for s in selected):
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(result.as_dict() for result in module.run())
    phone_floor = phone_floor_per_row_ms()
    print(
        f"\nphone floor: normalize_phone = {phone_floor * 1000:.1f} µs per row; DynamoDB latencies: "
        + ", ".join(f"{latency:g} ms" for latency in bench_latencies_ms())
        + "\n"
    )
    print_table(rows)
    output = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "phone_floor_us_per_row": phone_floor * 1000,
        "dynamodb_latencies_ms": bench_latencies_ms(),
        "results": rows,
    }
    (HERE / "results.json").write_text(json.dumps(output, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten to {HERE / 'results.json'}")
    return 0


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'benchmark':<58} {'median':>10} {'min':>10} {'max':>10} {'budget':>8} {'floor':>9} {'x floor':>7}"
        f" {'trips':>11}  verdict"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = f"{row['ratio_to_floor']:.2f}" if row["ratio_to_floor"] is not None else "-"
        budget = f"{row['budget_ms']:.0f}" if row["budget_ms"] is not None else "-"
        floor = f"{row['floor_ms']:.1f}" if row["floor_ms"] is not None else "-"
        trips = f"{row['round_trips']}/{row['round_trip_budget']}" if row["round_trips"] is not None else "-"
        if row["within_budget"] is None:
            verdict = "no budget"
        elif row["within_budget"]:
            verdict = "within budget"
        else:
            verdict = "OVER BUDGET (" + ", ".join(row["over_budget"]) + ")"
        print(
            f"{row['name'][:58]:<58} {row['median_ms']:>8.1f}ms {row['min_ms']:>8.1f}ms {row['max_ms']:>8.1f}ms"
            f" {budget:>8} {floor:>9} {ratio:>7} {trips:>11}  {verdict}"
        )
        if row["floor_note"]:
            print(f"    floor: {row['floor_note']}")
        if row["peak_mb"] is not None:
            print(f"    peak memory: {row['peak_mb']} MB (budget {row['memory_budget_mb']} MB)")
        for key, value in row["extra"].items():
            print(f"    {key}: {value}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
