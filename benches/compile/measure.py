#!/usr/bin/env python3
"""Times clean builds, peak rustc memory and one-task rebuilds of generated crates.

For each shape and size it writes the crate (generate.py), builds it once so the
dependencies are built, then:
  clean    `cargo clean -p CRATE` and `cargo build`: the crate alone, deps built
  rebuild  one task's body edited (the middle one), `cargo build` again; then a
           second edit and build: rustc's incremental cache does more work on the
           first rebuild after a clean build than on later ones, so both are shown
Peak memory is the largest resident set of cargo and every process it waited for
(GNU time's %M, which Linux carries up through wait), in practice rustc's.

Usage: measure.py [--shapes sync,async] [--tasks 100,500,1000] [--release]
                  [--floor] [--modules K] [--flyte PATH] [--runs 1]
Prints one Markdown table row per crate. With --flyte another checkout can be
measured (its own target folder, so artifacts never mix).
"""

import argparse
import hashlib
import os
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402


def timed(cmd, cwd, env):
    """Runs cmd under GNU time; returns (seconds, peak MB)."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "@@ %e %M"] + cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    last = [line for line in out.stderr.splitlines() if line.startswith("@@ ")]
    if out.returncode != 0 or not last:
        sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n{out.stderr[-4000:]}")
    _, secs, kb = last[-1].split()
    return float(secs), int(kb) / 1024


def edit_one_task(main_rs, n):
    """Changes the middle task's body, as a user editing one task would (each call
    adds ` + 1` to it)."""
    text = main_rs.read_text()
    i = n // 2
    new, count = re.subn(rf"(fn t{i}\(.*?\{{\n.*?\+ {i}(?: \+ 1)*)", r"\1 + 1", text, count=1, flags=re.S)
    assert count == 1, "the task to edit was not found"
    main_rs.write_text(new)


def measure(shape, n, plain, args, env):
    m = args.modules
    root = generate.write(shape, n, plain, args.flyte, args.out, m)
    name = generate.crate_name(shape, n, plain, m)
    edited = root / "src" / generate.task_file(n, m)
    profile = ["--release"] if args.release else []
    build = ["cargo", "build", "-q"] + profile
    subprocess.run(build, cwd=root, env=env, check=True)  # dependencies
    rows = []
    for _ in range(args.runs):
        generate.write(shape, n, plain, args.flyte, args.out, m)  # undo an earlier edit
        subprocess.run(["cargo", "clean", "-q", "-p", name] + profile, cwd=root, env=env, check=True)
        clean_s, clean_mb = timed(build, root, env)
        edit_one_task(edited, n)
        first_s, _ = timed(build, root, env)
        edit_one_task(edited, n)
        re_s, _ = timed(build, root, env)
        rows.append((clean_s, clean_mb, first_s, re_s))
    clean_s, clean_mb, first_s, re_s = min(rows)
    kind = "plain fns" if plain else "#[task]"
    if m > 1:
        kind += f" in {m} files"
    prof = "release" if args.release else "debug"
    per_ms = 1000 * clean_s / n
    per_mb = clean_mb / n
    print(
        f"| {shape} | {kind} | {n} | {prof} | {clean_s:.1f} s | {per_ms:.0f} ms | "
        f"{clean_mb:.0f} MB | {per_mb:.2f} MB | {first_s:.1f} s | {re_s:.1f} s |",
        flush=True,
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shapes", default="sync")
    p.add_argument("--tasks", default="100,500,1000")
    p.add_argument("--release", action="store_true")
    p.add_argument("--floor", action="store_true", help="also the plain-function crates")
    p.add_argument("--modules", type=int, default=1, help="spread the tasks over this many files")
    p.add_argument("--flyte", default=str(HERE.parents[1]))
    p.add_argument("--out", default=str(HERE.parents[1] / "target" / "compile-bench" / "crates"))
    p.add_argument("--runs", type=int, default=1, help="keep the fastest of this many")
    args = p.parse_args()
    args.flyte = str(pathlib.Path(args.flyte).resolve())
    tag = hashlib.sha256(args.flyte.encode()).hexdigest()[:8]
    args.out = os.path.join(args.out, tag)
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = os.path.join(args.out, "target")
    env.pop("RUSTFLAGS", None)
    print(f"<!-- flyte at {args.flyte}; rustc {subprocess.getoutput('rustc -V')} -->")
    print(
        "| shape | written as | tasks | profile | clean build | per task | peak memory | per task "
        "| first edit after it | later edits |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for shape in args.shapes.split(","):
        for n in (int(x) for x in args.tasks.split(",")):
            measure(shape, n, False, args, env)
            if args.floor:
                measure(shape, n, True, args, env)


if __name__ == "__main__":
    main()
