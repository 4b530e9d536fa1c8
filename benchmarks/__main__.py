"""`make bench`: run every benchmark module and print one table of figures and ratios.

Each module in this folder named `bench_*.py` exposes `run(quick: bool) -> list[dict]`, one dict per
figure with keys `benchmark`, `figure`, `value`, `unit` and optionally `baseline` (the comparison measured in
the same process) and `target` (what the figure should reach, as text). `--quick` shrinks the inputs.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from rich.console import Console
from rich.table import Table

import benchmarks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small inputs, for a smoke run")
    args = parser.parse_args(argv)

    modules = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    if args.names:
        modules = [m for m in modules if any(name in m for name in args.names)]
    table = Table(title="interaction_pipeline benchmarks")
    for column in ("benchmark", "figure", "value", "unit", "baseline", "ratio", "target"):
        table.add_column(column, justify="right" if column in ("value", "baseline", "ratio") else "left")
    # Piped output (CI logs, notes) gets a wide table rather than rich's 80-column default.
    console = Console(width=None if sys.stdout.isatty() else 200)
    for name in modules:
        console.print(f"[bold]running {name}[/bold]")
        for row in importlib.import_module(f"benchmarks.{name}").run(quick=args.quick):
            baseline = row.get("baseline")
            ratio = f"{row['value'] / baseline:.2f}" if baseline else ""
            table.add_row(
                row["benchmark"],
                row["figure"],
                f"{row['value']:,.2f}",
                row["unit"],
                f"{baseline:,.2f}" if baseline else "",
                ratio,
                row.get("target", ""),
            )
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
