"""Compares the requests two clients sent the stand-in flyteadmin, field by field:
flytekit's FlyteRemote (the reference) and ours. Usage: compare_requests.py
FLYTEKIT.jsonl OURS.jsonl [METHOD ...]. Prints one line per difference not listed
below; none means the requests agree. The methods compared (the first request of
each) are registering and launching unless given.
"""
import json
import re
import sys

# Where an SDK's requests differ by design, by method and field path.
ALLOWED = [
    # Names: Python module paths against Rust module paths.
    r".*\.name$",
    # The container's arguments (pyflyte-execute against our binary's execute),
    # the runtime and the task type.
    r"CreateTask spec\.template\.container\.args$",
    r"CreateTask spec\.template\.metadata\.runtime\.(flavor|version)$",
    r"CreateTask spec\.template\.type$",
    # Descriptions: flytekit writes an empty RST one for a task without a docstring;
    # ours are Markdown (Rust doc comments).
    r".*\.description(\.|$).*",
    # Who launched it: flytekit says "placeholder".
    r"CreateExecution spec\.metadata\.principal$",
]


def walk(method, a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            walk(method, a.get(k), b.get(k), f"{path}.{k}" if path else k, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            walk(method, x, y, f"{path}[{i}]", out)
    elif a != b:
        where = f"{method} {path}"
        if not any(re.fullmatch(p, where) for p in ALLOWED):
            out.append(f"{where}: flytekit {json.dumps(a)}, ours {json.dumps(b)}")


def first(requests, method):
    return next((r["request"] for r in requests if r["method"] == method), None)


def main():
    theirs = [json.loads(line) for line in open(sys.argv[1])]
    ours = [json.loads(line) for line in open(sys.argv[2])]
    out = []
    methods = sys.argv[3:] or ("CreateTask", "CreateWorkflow", "CreateLaunchPlan", "CreateExecution")
    for method in methods:
        a, b = first(theirs, method), first(ours, method)
        if a is None or b is None:
            out.append(f"{method}: flytekit {'sent' if a else 'did not send'} it, ours {'did' if b else 'did not'}")
            continue
        walk(method, a, b, "", out)
    print("\n".join(out))


if __name__ == "__main__":
    main()
