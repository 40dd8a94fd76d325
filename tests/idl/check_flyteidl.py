"""Parses the protobufs our tests wrote with the Python flyteidl package and compares
them with flytekit's golden output.

Usage: check_flyteidl.py OUT_DIR GOLDEN_DIR. Fails on a file that does not parse, on
unknown fields, and on any difference not listed in ALLOWED.
"""

import json
import pathlib
import sys

from flyteidl.admin import launch_plan_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import literals_pb2, tasks_pb2, types_pb2, workflow_closure_pb2, workflow_pb2
from google.protobuf import json_format
from google.protobuf.unknown_fields import UnknownFieldSet

# Where we deliberately differ from flytekit, in one place.
ALLOWED = {
    # flytekit records a field default ("p") in the JSON schema; Rust fields have none.
    ("dc", "type", "metadata.properties.label.default"),
    # The blobs point at our test locations, not flytekit's sandbox.
    ("ff", "literal", "scalar.blob.uri"),
    ("fd", "literal", "scalar.blob.uri"),
}
# Golden entries with no Rust type yet: an untagged union of int and str.
SKIPPED = {"u"}

# The seed's workflow template: Rust module paths name the workflow and `print_file`.
WORKFLOW_ALLOWED = {
    "id.name",
    "nodes[1].taskNode.referenceId.name",
}

# The seed's workflow spec, closure and launch plan, and pyflyte package's files.
# Descriptions are our doc comments as Markdown, present when there is one (flytekit
# writes an empty RST one for function tasks and none for class tasks); task templates
# differ as TASK_ALLOWED says.
SPEC_ALLOWED = {
    "description",
    "template.id.name",
    "template.nodes[1].taskNode.referenceId.name",
    "description.longDescription.format",
    "workflow.id.name",
    "workflow.nodes[1].taskNode.referenceId.name",
    "id.name",
    "spec.workflowId.name",
}

# The seed's task templates: where ours differ on purpose. A path ending in "*" allows
# everything under it.
TASK_ALLOWED = {
    # We are a Rust SDK.
    "metadata.runtime.version",
    "metadata.runtime.flavor",
    # Every task gets a container running our entrypoint (flytekit gives the sensor
    # none, and runs print_file with pyflyte-execute in its own image).
    "container*",
    # Rust module paths name function tasks, and they are Rust tasks.
    "id.name",
    "type",
}


def is_repeated(field) -> bool:
    flag = getattr(field, "is_repeated", None)
    if flag is not None:
        return flag() if callable(flag) else flag
    return field.label == field.LABEL_REPEATED


def unknown_fields(msg, path="") -> list[str]:
    """Every unknown field in `msg` and the messages inside it."""
    found = [f"{path}: {len(UnknownFieldSet(msg))} unknown"] if len(UnknownFieldSet(msg)) else []
    for field, value in msg.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        where = f"{path}.{field.name}"
        if field.message_type.GetOptions().map_entry:
            for k, v in value.items():
                if hasattr(v, "ListFields"):
                    found += unknown_fields(v, f"{where}[{k}]")
        elif is_repeated(field):
            for i, v in enumerate(value):
                found += unknown_fields(v, f"{where}[{i}]")
        else:
            found += unknown_fields(value, where)
    return found


def tasks_pb2_spec():
    from flyteidl.admin import task_pb2

    return task_pb2.TaskSpec


def diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from diff(a.get(k), b.get(k), f"{path}.{k}" if path else k)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diff(x, y, f"{path}[{i}]")
    elif a != b:
        yield path, a, b


def main() -> int:
    out, golden_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    golden = json.loads((golden_dir / "types_summary.json").read_text())
    failures, checked = [], 0
    for name, entry in sorted(golden.items()):
        if name in SKIPPED:
            continue
        for kind, cls, key in (
            ("type", types_pb2.LiteralType, "literal_type"),
            ("literal", literals_pb2.Literal, "literal"),
        ):
            path = out / f"{name}.{kind}.pb"
            if not path.exists():
                failures.append(f"{name}.{kind}: not written")
                continue
            msg = cls()
            try:
                msg.ParseFromString(path.read_bytes())
            except Exception as e:  # noqa: BLE001 - any parse failure fails the check
                failures.append(f"{name}.{kind}: does not parse: {e}")
                continue
            failures += [f"{name}.{kind}{u}" for u in unknown_fields(msg)]
            ours = json_format.MessageToDict(msg)
            for where, mine, theirs in diff(ours, entry[key]):
                if (name, kind, where) not in ALLOWED:
                    failures.append(f"{name}.{kind} at {where}: ours {mine!r}, flytekit {theirs!r}")
            checked += 1
    for ours_file, golden_file in (
        ("task_my-objectstore-sensor.pb", "seed_task_my-objectstore-sensor.json"),
        ("task_print_file.pb", "seed_task_print_file.json"),
    ):
        path = out / ours_file
        msg = tasks_pb2.TaskTemplate()
        try:
            msg.ParseFromString(path.read_bytes())
        except Exception as e:  # noqa: BLE001 - any parse failure fails the check
            failures.append(f"{ours_file}: does not parse: {e}")
            continue
        failures += [f"{ours_file}{u}" for u in unknown_fields(msg)]
        theirs = json.loads((golden_dir / golden_file).read_text())
        for where, mine, golden_value in diff(json_format.MessageToDict(msg), theirs):
            allowed = where in TASK_ALLOWED or any(
                a.endswith("*") and where.startswith(a[:-1]) for a in TASK_ALLOWED
            )
            if not allowed:
                failures.append(f"{ours_file} at {where}: ours {mine!r}, flytekit {golden_value!r}")
        checked += 1
    path = out / "workflow_my_workflow.pb"
    msg = workflow_pb2.WorkflowTemplate()
    try:
        msg.ParseFromString(path.read_bytes())
        failures += [f"workflow_my_workflow.pb{u}" for u in unknown_fields(msg)]
        theirs = json.loads((golden_dir / "seed_workflow_template.json").read_text())
        for where, mine, golden_value in diff(json_format.MessageToDict(msg), theirs):
            if where not in WORKFLOW_ALLOWED:
                failures.append(
                    f"workflow_my_workflow.pb at {where}: ours {mine!r}, flytekit {golden_value!r}"
                )
        checked += 1
    except Exception as e:  # noqa: BLE001 - a missing or broken file fails the check
        failures.append(f"workflow_my_workflow.pb: {e}")
    def task_allowed(where: str) -> bool:
        return where in TASK_ALLOWED or any(
            a.endswith("*") and where.startswith(a[:-1]) for a in TASK_ALLOWED
        )

    for ours_file, cls, golden_file in (
        ("workflow_spec.pb", admin_workflow_pb2.WorkflowSpec, "seed_workflow_spec.json"),
        ("workflow_closure.pb", workflow_closure_pb2.WorkflowClosure, "seed_workflow_closure.json"),
        ("launch_plan.pb", launch_plan_pb2.LaunchPlan, "seed_launchplan.json"),
    ):
        msg = cls()
        try:
            msg.ParseFromString((out / ours_file).read_bytes())
        except Exception as e:  # noqa: BLE001 - a missing or broken file fails the check
            failures.append(f"{ours_file}: {e}")
            continue
        failures += [f"{ours_file}{u}" for u in unknown_fields(msg)]
        theirs = json.loads((golden_dir / golden_file).read_text())
        for where, mine, golden_value in diff(json_format.MessageToDict(msg), theirs):
            in_task = where.startswith("tasks[") and task_allowed(where.split("].", 1)[1])
            if where not in SPEC_ALLOWED and not in_task:
                failures.append(f"{ours_file} at {where}: ours {mine!r}, flytekit {golden_value!r}")
        checked += 1
    # What `serialize` wrote, file by file against pyflyte package's own files.
    package = sorted((out / "package").glob("*.pb")) if (out / "package").exists() else []
    golden_package = sorted((golden_dir / "pyflyte_package").glob("*.json"))
    if len(package) != len(golden_package):
        failures.append(f"package: {len(package)} files, pyflyte wrote {len(golden_package)}")
    kinds = {"1": tasks_pb2_spec(), "2": admin_workflow_pb2.WorkflowSpec, "3": launch_plan_pb2.LaunchPlan}
    for ours_path, golden_path in zip(package, golden_package):
        kind = ours_path.stem.rsplit("_", 1)[1]
        if kind != golden_path.stem.rsplit("_", 1)[1]:
            failures.append(f"package/{ours_path.name}: kind differs from {golden_path.name}")
            continue
        msg = kinds[kind]()
        try:
            msg.ParseFromString(ours_path.read_bytes())
        except Exception as e:  # noqa: BLE001 - any parse failure fails the check
            failures.append(f"package/{ours_path.name}: does not parse: {e}")
            continue
        failures += [f"package/{ours_path.name}{u}" for u in unknown_fields(msg)]
        theirs = json.loads(golden_path.read_text())
        for where, mine, golden_value in diff(json_format.MessageToDict(msg), theirs):
            in_task = where.startswith("template.") and task_allowed(where[len("template."):])
            if where not in SPEC_ALLOWED and not in_task:
                failures.append(
                    f"package/{ours_path.name} at {where}: ours {mine!r}, pyflyte {golden_value!r}"
                )
        checked += 1
    for f in failures:
        print("FAIL", f)
    print(f"flyteidl: {checked - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
