"""`python -m bench [area …] [--quick]`: run the benchmarks and print each figure with its goal."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("areas", nargs="*", help="forms, store, printing, sync, ui … (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args(argv)
    folder = Path(__file__).parent
    modules = sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if m.name.endswith("_bench"))
    chosen = [m for m in modules if not args.areas or m.removesuffix("_bench") in args.areas]
    missed = 0
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name.removesuffix('_bench')}", flush=True)
        for figure in module.run(args.quick):
            print(figure.line(), flush=True)
            missed += not figure.met
    print(f"{missed} figure(s) missed their goal" if missed else "all figures met their goals")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
