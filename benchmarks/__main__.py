"""Runs every benchmark module (benchmarks/bench_*.py, each with `run() -> list[Result]`), prints one
table with median, min, max and the ratio to the floor measured in the same run, and writes
benchmarks/results.json."""

from __future__ import annotations

import importlib
import json
import logging
import platform
import sys
import warnings
from pathlib import Path

import devstack  # noqa: F401 - puts the layer on sys.path
from benchmarks.common import french_phone_numbers, phone_floor_ms_per_row

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore")
    floor = phone_floor_ms_per_row(french_phone_numbers(1000))
    rows = []
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    for name in names:
        if selected and not any(s in name for s in selected):
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        for result in module.run():
            rows.append(result.as_dict(floor))
    print(f"\nfloor: phonenumbers.parse + is_valid_number = {floor * 1000:.1f} µs per row\n")
    header = f"{'benchmark':<62} {'median':>9} {'min':>9} {'max':>9} {'budget':>8} {'x floor':>8}  ok"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = f"{row['ratio_to_floor']:.2f}" if "ratio_to_floor" in row else "-"
        budget = f"{row['budget_ms']:.0f}" if row["budget_ms"] is not None else "-"
        ok = {True: "yes", False: "NO", None: "-"}[row["within_budget"]]
        print(
            f"{row['name'][:62]:<62} {row['median_ms']:>8.1f}ms {row['min_ms']:>8.1f}ms {row['max_ms']:>8.1f}ms"
            f" {budget:>8} {ratio:>8}  {ok}"
        )
        for key, value in row["extra"].items():
            print(f"    {key}: {value}")
    output = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "floor_us_per_row": floor * 1000,
        "results": rows,
    }
    (HERE / "results.json").write_text(json.dumps(output, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten to {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
