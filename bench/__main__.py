"""python -m bench [NAME] [options...]: run one benchmark (bench/bench_NAME.py), or all of them
with their default options when no NAME is given. ``python -m bench --list`` names them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import time
from pathlib import Path


def available() -> list[str]:
    folder = Path(__file__).parent
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(folder)])
        if m.name.startswith("bench_")
    )


def run(name: str, argv: list[str]) -> int:
    module = importlib.import_module(f"bench.bench_{name}")
    from bench.common import ensure_key

    ensure_key()  # audited actions need the key file (the audit chain is keyed)
    print(f"== bench {name} {' '.join(argv)}".rstrip(), flush=True)
    started = time.monotonic()
    if inspect.signature(module.main).parameters:
        code = int(module.main(argv) or 0)
    else:  # a benchmark that reads sys.argv itself
        sys.argv = [f"bench_{name}", *argv]
        code = int(module.main() or 0)
    print(f"== {name}: {time.monotonic() - started:.1f} s", flush=True)
    return code


def main(argv: list[str]) -> int:
    names = available()
    if argv[:1] in (["--list"], ["-l"]):
        print("\n".join(names))
        return 0
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip() + "\n\nbenchmarks: " + ", ".join(names))
        return 0
    if argv and not argv[0].startswith("-"):
        name = argv[0].removeprefix("bench_").removesuffix(".py")
        if name not in names:
            print(f"bench: no benchmark named {name!r} (have: {', '.join(names)})", file=sys.stderr)
            return 2
        return run(name, argv[1:])
    codes = [run(name, argv) for name in names]
    return max(codes, default=0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
