#!/usr/bin/env python3
"""Compare a folder written by generate.py with the committed goldens.

    python tests/golden/compare.py OUT [REF]      (REF defaults to this folder, tests/golden)

For every file of REF (*.py and README.md aside):
  * `.pb`: IDENTICAL if the bytes are equal; else parsed as its message type (from INDEX.txt, or the _1/_2/_3 suffix
    in pyflyte_package/) and compared as JSON with every 32-hex name masked (random raw-output dir names) and
    `upstreamNodeIds` compared as sets: EQUIVALENT if that matches, else DIFFERENT (with the first differences);
  * `.json`: parsed and compared (key order ignored), IDENTICAL if the text is equal too, EQUIVALENT if equal with
    32-hex names masked;
  * `.txt`: IDENTICAL, or EQUIVALENT if the same lines (in any order) with 32-hex names masked and deck.html sizes
    ignored (deck.html holds timings).
Also lists files only in OUT. Exit status 1 if anything is DIFFERENT or missing.
"""

import json
import os
import re
import sys

from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2
from flyteidl.core import dynamic_job_pb2, literals_pb2, tasks_pb2, workflow_closure_pb2, workflow_pb2 as core_wf_pb2
from google.protobuf import json_format

HERE = os.path.dirname(os.path.abspath(__file__))
HEX = re.compile(r"\b[0-9a-f]{32}\b")
SKIP = {"README.md"}

TYPES = {
    cls.DESCRIPTOR.full_name: cls
    for cls in (
        tasks_pb2.TaskTemplate,
        core_wf_pb2.WorkflowTemplate,
        workflow_pb2.WorkflowSpec,
        workflow_closure_pb2.WorkflowClosure,
        launch_plan_pb2.LaunchPlan,
        literals_pb2.LiteralMap,
        literals_pb2.Literal,
        dynamic_job_pb2.DynamicJobSpec,
        task_pb2.TaskSpec,
    )
}
PACKAGE = {"1": task_pb2.TaskSpec, "2": workflow_pb2.WorkflowSpec, "3": launch_plan_pb2.LaunchPlan}


def index_types(folder):
    types = {}
    path = os.path.join(folder, "INDEX.txt")
    if os.path.exists(path):
        for line in open(path):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2:
                cols = line.split()
            if cols[1] in TYPES:
                types[cols[0]] = TYPES[cols[1]]
    return types


def normalise(v):
    """Mask random hex names; compare upstreamNodeIds as sets."""
    if isinstance(v, dict):
        return {k: (sorted(normalise(x)) if k == "upstreamNodeIds" else normalise(x)) for k, x in v.items()}
    if isinstance(v, list):
        return [normalise(x) for x in v]
    if isinstance(v, str):
        return HEX.sub("<hex>", v)
    return v


def diffs(a, b, where=""):
    if type(a) is not type(b):
        return [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{where}/{k}: only in {'ours' if k in a else 'golden'}")
            else:
                out += diffs(a[k], b[k], f"{where}/{k}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{where}: length {len(a)} != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diffs(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def compare_file(rel, ours, ref, types):
    base = os.path.basename(rel)
    with open(ours, "rb") as fh:
        a = fh.read()
    with open(ref, "rb") as fh:
        b = fh.read()
    if a == b:
        return "IDENTICAL", []
    if rel.endswith(".pb"):
        stem = base[:-3]
        m = re.fullmatch(r".*_([123])", stem)
        cls = types.get(stem) or (PACKAGE[m.group(1)] if "pyflyte_package" in rel and m else None)
        if cls is None:
            return "DIFFERENT", ["bytes differ; message type unknown"]
        ma, mb = cls(), cls()
        ma.ParseFromString(a)
        mb.ParseFromString(b)
        da, db = json_format.MessageToDict(ma), json_format.MessageToDict(mb)
    elif rel.endswith(".json"):
        da, db = json.loads(a), json.loads(b)
        if da == db:
            return "EQUIVALENT", ["same JSON value, other text (key order / whitespace)"]
    else:
        da, db = a.decode().splitlines(), b.decode().splitlines()
        deck = re.compile(r"^(out/deck\.html\t)\d+$")
        # masked lines as a sorted list: the listing is sorted by path, and paths start with random names
        da = sorted(HEX.sub("<hex>", deck.sub(r"\1<n>", x)) for x in da)
        db = sorted(HEX.sub("<hex>", deck.sub(r"\1<n>", x)) for x in db)
    found = diffs(normalise(da), normalise(db))
    if found:
        return "DIFFERENT", found[:8]
    return "EQUIVALENT", ["equal with random 32-hex names masked (and upstreamNodeIds as sets)"]


def main():
    out = os.path.abspath(sys.argv[1])
    ref = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else HERE
    counts = {}
    bad = False
    for root, _, names in sorted(os.walk(ref)):
        if "__pycache__" in root:
            continue
        types = index_types(root)
        for name in sorted(names):
            if name in SKIP or name.endswith(".py") or name.endswith(".pyc"):
                continue
            rel = os.path.relpath(os.path.join(root, name), ref)
            ours = os.path.join(out, rel)
            if not os.path.exists(ours):
                status, notes = "MISSING", []
            else:
                status, notes = compare_file(rel, ours, os.path.join(root, name), types)
            counts[status] = counts.get(status, 0) + 1
            bad |= status in ("DIFFERENT", "MISSING")
            print(f"{status:10} {rel}")
            for n in notes:
                print(f"           {n}")
    for root, _, names in os.walk(out):
        for name in names:
            rel = os.path.relpath(os.path.join(root, name), out)
            if not os.path.exists(os.path.join(ref, rel)):
                print(f"EXTRA      {rel}")
    print("summary: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
