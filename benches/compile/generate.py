#!/usr/bin/env python3
"""Writes a crate of N tasks chained in one workflow, for compile-time measurements.

Shapes (each also as plain functions, the floor with no macros):
  sync    #[task] fn tI(x: i64) -> i64 { x + I }
  async   #[task] async fn tI(x: i64) -> i64 { x + I }
  struct  #[task] fn tI(r: Row) -> Row   (Row: a FlyteType struct; ten such types)
  multi   #[task] fn tI(a: i64, b: f64, c: String) -> (i64, f64, String)

Usage: generate.py --shape sync --tasks 1000 [--plain] [--modules K] --flyte PATH --out DIR
With --modules K the tasks are spread over K files (src/mI.rs), as a large project
keeps them; the workflow stays in main.rs.
The crate is a binary whose main serves the workflow through flytekit::cli::App, as a
user's project does, so everything a task expands to is built and linked.
"""

import argparse
import pathlib
import re

STRUCT_TYPES = 10


def task_attr(plain):
    return "" if plain else "#[task]\n"


def sync_task(i, plain):
    return f"{task_attr(plain)}fn t{i}(x: i64) -> i64 {{\n    x + {i}\n}}\n"


def async_task(i, plain):
    return f"{task_attr(plain)}async fn t{i}(x: i64) -> i64 {{\n    x + {i}\n}}\n"


def struct_task(i, plain):
    a, b = i % STRUCT_TYPES, (i + 1) % STRUCT_TYPES
    return (
        f"{task_attr(plain)}fn t{i}(r: Row{a}) -> Row{b} {{\n"
        f"    Row{b} {{ id: r.id + {i}, label: r.label, tags: r.tags, score: r.score * 1.5 }}\n}}\n"
    )


def multi_task(i, plain):
    return (
        f"{task_attr(plain)}fn t{i}(a: i64, b: f64, c: String) -> (i64, f64, String) {{\n"
        f"    (a + {i}, b * 0.5, c)\n}}\n"
    )


def struct_types(plain):
    derive = "Clone, Debug, Serialize, Deserialize" + ("" if plain else ", FlyteType")
    out = []
    for k in range(STRUCT_TYPES):
        out.append(
            f"#[derive({derive})]\npub struct Row{k} {{\n    id: i64,\n    label: String,\n"
            f"    tags: Vec<String>,\n    score: f64,\n}}\n"
        )
    return "\n".join(out)


def workflow(shape, n, plain, modules=1):
    """The chain: each task takes the previous task's outputs."""
    text = _workflow(shape, n, plain)
    if modules > 1:
        per = -(-n // modules)
        for i in reversed(range(n)):
            text = re.sub(rf"\bt{i}\(", f"m{i // per}::t{i}(", text)
    return text


def _workflow(shape, n, plain):
    is_async = shape == "async" and plain
    call = (lambda s: f"{s}.await") if is_async else (lambda s: s)
    kw = "async fn" if is_async else "fn"
    attr = "" if plain else "#[workflow]\n"
    if shape in ("sync", "async"):
        body = ["    let v0 = " + call("t0(x)") + ";"]
        body += [f"    let v{i} = " + call(f"t{i}(v{i - 1})") + ";" for i in range(1, n)]
        return f"{attr}{kw} chain(x: i64) -> i64 {{\n" + "\n".join(body) + f"\n    v{n - 1}\n}}\n"
    if shape == "struct":
        last = n % STRUCT_TYPES
        body = ["    let v0 = t0(r);"]
        body += [f"    let v{i} = t{i}(v{i - 1});" for i in range(1, n)]
        return f"{attr}fn chain(r: Row0) -> Row{last} {{\n" + "\n".join(body) + f"\n    v{n - 1}\n}}\n"
    body = ["    let (a0, b0, c0) = t0(a, b, c);"]
    body += [f"    let (a{i}, b{i}, c{i}) = t{i}(a{i - 1}, b{i - 1}, c{i - 1});" for i in range(1, n)]
    m = n - 1
    return (
        f"{attr}fn chain(a: i64, b: f64, c: String) -> (i64, f64, String) {{\n"
        + "\n".join(body)
        + f"\n    (a{m}, b{m}, c{m})\n}}\n"
    )


def main_fn(shape, plain):
    if not plain:
        return (
            "#[tokio::main]\nasync fn main() -> std::process::ExitCode {\n"
            "    flytekit::cli::App::new().workflow(&chain {}).main().await\n}\n"
        )
    args = {
        "sync": "1",
        "async": "1",
        "struct": 'Row0 { id: 1, label: "a".into(), tags: vec![], score: 1.0 }',
        "multi": '1, 1.0, "a".to_string()',
    }[shape]
    call = f"chain({args})" + (".await" if shape == "async" else "")
    return (
        "#[tokio::main]\nasync fn main() {\n"
        f"    let out = {call};\n"
        '    println!("{out:?}");\n}\n'
    )


MAKE = {"sync": sync_task, "async": async_task, "struct": struct_task, "multi": multi_task}


def header(shape, plain, inner):
    parts = ["#![allow(dead_code, clippy::all)]\n" if not inner else "#![allow(dead_code, unused_imports)]\n"]
    parts.append("use serde::{Deserialize, Serialize};\n" if shape == "struct" else "")
    parts.append("" if plain else "use flytekit::prelude::*;\n")
    if inner and shape == "struct":
        parts.append("use crate::*;\n")
    return parts


def sources(shape, n, plain, modules=1):
    """main.rs and, with modules, mI.rs files: {file name: text}."""
    parts = header(shape, plain, False)
    if shape == "struct":
        parts.append(struct_types(plain))
    files = {}
    if modules > 1:
        per = -(-n // modules)
        for k in range(modules):
            body = header(shape, plain, True)
            body.extend(MAKE[shape](i, plain).replace("fn t", "pub fn t", 1) for i in range(k * per, min(n, (k + 1) * per)))
            files[f"m{k}.rs"] = "\n".join(p for p in body if p)
            parts.append(f"mod m{k};\n")
    else:
        parts.extend(MAKE[shape](i, plain) for i in range(n))
    parts.append(workflow(shape, n, plain, modules))
    parts.append(main_fn(shape, plain))
    files["main.rs"] = "\n".join(p for p in parts if p)
    return files


def manifest(name, flyte):
    return f"""[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
flytekit = {{ path = "{flyte}" }}
tokio = {{ version = "1", features = ["rt-multi-thread", "macros"] }}
serde = {{ version = "1", features = ["derive"] }}

[workspace]
"""


def crate_name(shape, n, plain, modules=1):
    split = f"_in_{modules}" if modules > 1 else ""
    return f"{'plain' if plain else 'flyte'}_{shape}_{n}{split}"


def task_file(n, modules=1):
    """The file holding the middle task, the one a rebuild edits."""
    if modules <= 1:
        return "main.rs"
    return f"m{(n // 2) // -(-n // modules)}.rs"


def write(shape, n, plain, flyte, out, modules=1):
    name = crate_name(shape, n, plain, modules)
    root = pathlib.Path(out) / name
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "Cargo.toml").write_text(manifest(name, pathlib.Path(flyte).resolve()))
    for file, text in sources(shape, n, plain, modules).items():
        path = root / "src" / file
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    return root


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shape", choices=["sync", "async", "struct", "multi"], default="sync")
    p.add_argument("--tasks", type=int, default=100)
    p.add_argument("--plain", action="store_true", help="plain functions, no macros")
    p.add_argument("--modules", type=int, default=1, help="spread the tasks over this many files")
    p.add_argument("--flyte", default=str(pathlib.Path(__file__).resolve().parents[2]))
    p.add_argument("--out", default="target/compile-bench/crates")
    a = p.parse_args()
    print(write(a.shape, a.tasks, a.plain, a.flyte, a.out, a.modules))


if __name__ == "__main__":
    main()
