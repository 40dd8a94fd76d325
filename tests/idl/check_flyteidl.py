"""Parses the protobufs our tests wrote with the Python flyteidl package and compares
them with flytekit's golden output.

Usage: check_flyteidl.py OUT_DIR GOLDEN_DIR. Fails on a file that does not parse, on
unknown fields, and on any difference not allowed below. Files under
OUT_DIR/parse/<full message name>/ (branch and array nodes, outputs.pb and error.pb
from the entrypoint tests) have no flytekit counterpart: they are parsed and checked
for unknown fields only.
"""

import json
import re
import pathlib
import sys

from flyteidl.admin import launch_plan_pb2, task_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import (
    dynamic_job_pb2,
    errors_pb2,
    literals_pb2,
    tasks_pb2,
    types_pb2,
    workflow_closure_pb2,
    workflow_pb2,
)
from google.protobuf import json_format

# Messages the parse-only files may be, by full name.
PARSE_ONLY = {
    cls.DESCRIPTOR.full_name: cls
    for cls in (
        admin_workflow_pb2.WorkflowSpec,
        errors_pb2.ErrorDocument,
        launch_plan_pb2.LaunchPlan,
        literals_pb2.LiteralMap,
        task_pb2.TaskSpec,
        workflow_closure_pb2.WorkflowClosure,
        workflow_pb2.WorkflowTemplate,
    )
}
from google.protobuf.unknown_fields import UnknownFieldSet

# Where we deliberately differ from flytekit, in one place.
# Golden types and values (types_summary.json), by (entry, kind, path):
VALUE_ALLOWED = {
    # flytekit records a field default ("p") in the JSON schema; Rust fields have none.
    ("dc", "type", "metadata.properties.label.default"),
    # The blobs point at our test locations, not flytekit's sandbox.
    ("ff", "literal", "scalar.blob.uri"),
    ("fd", "literal", "scalar.blob.uri"),
}
# Golden entries with no Rust type yet.
SKIPPED = set()
# Task templates, by path inside the template; "*" allows everything under a path.
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
# Workflows, specs, closures, launch plans and pyflyte package's files. Rust module
# paths name the workflow and print_file; descriptions are our doc comments as Markdown,
# present when there is one (flytekit writes an empty RST one for function tasks and
# none for class tasks); task templates inside differ as TASK_ALLOWED says.
SPEC_ALLOWED = {
    "description",
    "description.longDescription.format",
    "id.name",
    "nodes[1].taskNode.referenceId.name",
    "template.id.name",
    "template.nodes[1].taskNode.referenceId.name",
    "workflow.id.name",
    "workflow.nodes[1].taskNode.referenceId.name",
    "spec.workflowId.name",
}


# Task templates against production/ goldens, one setting each: only what makes us a
# Rust task may differ (our name, type, runtime, image and entrypoint), so the setting
# itself (container.resources, ...) is compared field by field.
PRODUCTION_TASK_ALLOWED = {
    "id.name",
    "type",
    "metadata.runtime.version",
    "metadata.runtime.flavor",
    "container.image",
    "container.args*",
    # The same two in a pod template's primary container.
    "k8sPod.podSpec.containers[0].image",
    "k8sPod.podSpec.containers[0].args",
}


def production_task_allowed(where: str) -> bool:
    return where in PRODUCTION_TASK_ALLOWED or any(
        a.endswith("*") and where.startswith(a[:-1]) for a in PRODUCTION_TASK_ALLOWED
    )


def production_workflow_allowed(where: str) -> bool:
    """Names are Rust module paths (`idl_production.x` for flytekit's `prod.x`); the
    task templates inside differ only as TASK_ALLOWED says."""
    import re
    if re.fullmatch(r"(template\.|workflow\.|subWorkflows\[\d+\]\.)?(id\.name|nodes\[\d+\]\.taskNode\.referenceId\.name|nodes\[\d+\]\.workflowNode\.subWorkflowRef\.name|nodes\[\d+\]\.metadata\.name|failureNode\.taskNode\.referenceId\.name)", where):
        return True
    if where.startswith("description"):  # our doc comment, as Markdown
        return True
    # A node's pod template holds the task's container: our image and entrypoint.
    if re.fullmatch(r"(template\.|workflow\.)?nodes\[\d+\]\.taskNode\.overrides\.podTemplate\.podSpec\.containers\[0\]\.(image|args)", where):
        return True
    if where.startswith("tasks["):
        return task_allowed(where.split("].", 1)[-1])
    return False


# Map tasks: flytekit writes an array node over a generated map-task template
# (`prod.map_<task>_<md5>-arraynode`, a list interface, `pyflyte-map-execute`, every
# pod reading the whole lists); we write Flyte's other form, the one flytekit itself
# uses to map over a launch plan: the sub-node runs the task itself with its own
# interface (`isOriginalSubNodeInterface`), each item's inputs in a file of their own
# (`dataMode`), bound inputs named in `boundInputs`. So the sub-node's id, name and
# reference, the two flags, and the registered task's interface (the task's, not a
# list version) differ; inputs, bindings, bound inputs, parallelism and success
# criteria are compared.
MAP_ALLOWED = re.compile(
    r"(template\.|workflow\.)nodes\[\d+\]\.arrayNode\.(dataMode|isOriginalSubNodeInterface|node\.id|node\.metadata\.name|node\.taskNode\.referenceId\.name)"
    r"|tasks\[\d+\]\.(interface\.(inputs|outputs)\.variables\.\w+\.type\.(collectionType|simple)|taskTypeVersion)"
)
# flytekit 1.16.31 accepts `min_successes` but writes `min_success_ratio` 1.0 instead
# (README: "Not supported"); we write Flyte's `min_successes`. Its map node's output
# stays `List[int]` although failed items are missing; ours is a list of optionals.
MIN_SUCCESSES_ALLOWED = re.compile(
    r"(template\.|workflow\.)(nodes\[\d+\]\.arrayNode\.(minSuccessRatio|minSuccesses)|interface\.outputs\.variables\.o0\.type\.collectionType\.(simple|unionType))"
)


def map_workflow_allowed(name: str):
    def allowed(where: str) -> bool:
        if MAP_ALLOWED.fullmatch(where):
            return True
        if name == "wf_map_min_successes" and MIN_SUCCESSES_ALLOWED.fullmatch(where):
            return True
        return production_workflow_allowed(where)
    return allowed


def dynamic_futures_allowed(where: str) -> bool:
    if re.fullmatch(r"nodes\[\d+\]\.(taskNode\.referenceId\.name)", where):
        return True
    if where.startswith("tasks["):
        return task_allowed(where.split("].", 1)[-1])
    return False


def dynamic_settings_problems(out: pathlib.Path, golden_dir: pathlib.Path) -> list[str]:
    """Our `_F_SS_C` decoded against flytekit's: the same settings (project, domain,
    version, image config), where flytekit's Python-only fields are null in ours and
    ours adds the binary's path."""
    import base64
    import gzip
    ours_t = tasks_pb2.TaskTemplate()
    ours_t.ParseFromString((out / "task_dynamic.pb").read_bytes())
    ours = json.loads(gzip.decompress(base64.b64decode(ours_t.container.env[0].value)))
    theirs = json.loads((golden_dir / "production" / "task_dynamic_F_SS_C.decoded.json").read_text())
    problems = []
    for key in ("project", "domain", "version", "env", "default_resources", "git_repo",
                "fast_serialization_settings", "source_root"):
        if ours.get(key) != theirs.get(key):
            problems.append(f"_F_SS_C {key}: ours {ours.get(key)!r}, flytekit {theirs.get(key)!r}")
    shape = lambda img: sorted(img)  # noqa: E731
    if shape(ours["image_config"]["default_image"]) != shape(theirs["image_config"]["default_image"]):
        problems.append("_F_SS_C image_config.default_image has other keys than flytekit's")
    if set(theirs) - set(ours):
        problems.append(f"_F_SS_C lacks {sorted(set(theirs) - set(ours))}")
    return problems


def task_allowed(where: str) -> bool:
    return where in TASK_ALLOWED or any(
        a.endswith("*") and where.startswith(a[:-1]) for a in TASK_ALLOWED
    )


def spec_allowed(where: str) -> bool:
    if where in SPEC_ALLOWED:
        return True
    for prefix in ("template.", "tasks["):
        if where.startswith(prefix):
            inner = where[len(prefix):] if prefix == "template." else where.split("].", 1)[-1]
            return task_allowed(inner)
    return False


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


def diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from diff(a.get(k), b.get(k), f"{path}.{k}" if path else k)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diff(x, y, f"{path}[{i}]")
    elif a != b:
        yield path, a, b


def compare(label: str, path: pathlib.Path, cls, theirs: dict, allowed) -> list[str]:
    """Parses `path` as `cls` and lists every problem: parse errors, unknown fields,
    and differences from `theirs` that `allowed(where)` does not accept."""
    msg = cls()
    try:
        msg.ParseFromString(path.read_bytes())
    except Exception as e:  # noqa: BLE001 - a missing or broken file fails the check
        return [f"{label}: does not parse: {e}"]
    problems = [f"{label}{u}" for u in unknown_fields(msg)]
    if theirs is None:
        return problems
    for where, mine, golden in diff(json_format.MessageToDict(msg), theirs):
        if not allowed(where):
            problems.append(f"{label} at {where}: ours {mine!r}, flytekit {golden!r}")
    return problems


def main() -> int:
    out, golden_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    load = lambda name: json.loads((golden_dir / name).read_text())  # noqa: E731
    checks = []  # (label, our file, message class, golden dict, allowed)

    for name, entry in sorted(load("types_summary.json").items()):
        if name in SKIPPED:
            continue
        for kind, cls, key in (
            ("type", types_pb2.LiteralType, "literal_type"),
            ("literal", literals_pb2.Literal, "literal"),
        ):
            allowed = lambda w, n=name, k=kind: (n, k, w) in VALUE_ALLOWED  # noqa: E731
            checks.append((f"{name}.{kind}", out / f"{name}.{kind}.pb", cls, entry[key], allowed))

    for ours, golden in (
        ("task_my-objectstore-sensor.pb", "seed_task_my-objectstore-sensor.json"),
        ("task_print_file.pb", "seed_task_print_file.json"),
    ):
        checks.append((ours, out / ours, tasks_pb2.TaskTemplate, load(golden), task_allowed))
    for name in (
        "task_resources",
        "task_resources_tuple",
        "task_env",
        "task_accel_a100",
        "task_accel_mig",
        "task_accel_unpartitioned",
        "task_pod_template_name",
        "task_secrets",
        "task_pod_template",
        "task_labels",
        "task_cache",
        "task_cache_serialize",
        "task_cache_obj",
        "task_interruptible",
        "task_deck",
        "task_deprecated",
        "task_timeout_retries",
        "task_files",
        "task_sd",
        "task_df",
    ):
        golden = load(f"production/{name}.json")
        ours = f"{name}.pb"
        checks.append((ours, out / ours, tasks_pb2.TaskTemplate, golden, production_task_allowed))
    # A dynamic task: its template carries the serialization settings in `_F_SS_C`
    # (compared decoded, below); the graph it hands Flyte at run time (futures.pb)
    # is flytekit's but for names and our task templates.
    checks.append(("task_dynamic.pb", out / "task_dynamic.pb", tasks_pb2.TaskTemplate,
                   load("production/task_dynamic.json"),
                   lambda w: w == "container.env[0].value" or production_task_allowed(w)))
    checks.append(("exec_dynamic_futures.pb", out / "exec_dynamic_futures.pb", dynamic_job_pb2.DynamicJobSpec,
                   load("production/exec_dynamic_futures.json"), dynamic_futures_allowed))
    # Dataframes as a task returns them: only the folder's name under the raw-output
    # prefix differs (flytekit's is random hex).
    for name in ("exec_sd_outputs", "exec_df_outputs"):
        checks.append((f"{name}.pb", out / f"{name}.pb", literals_pb2.LiteralMap, load(f"production/{name}.json"),
                       lambda w: w == "literals.o0.scalar.structuredDataset.uri"))
    # Images: the image itself is the setting, so it must match too.
    for name in ("task_image_literal", "task_image_named"):
        golden = load(f"production/{name}.json")
        ours = f"{name}.pb"
        allowed = lambda w: w != "container.image" and production_task_allowed(w)  # noqa: E731
        checks.append((ours, out / ours, tasks_pb2.TaskTemplate, golden, allowed))
    # A container task (flytekit's ContainerTask): not run through our entrypoint, so
    # its name, image, command, arguments and data config are the settings and must
    # match; only the SDK that wrote it differs.
    checks.append(("task_container.pb", out / "task_container.pb", tasks_pb2.TaskTemplate,
                   load("production/task_container.json"),
                   lambda w: w in ("metadata.runtime.version", "metadata.runtime.flavor")))
    # Launch plans: only the workflow's name (a Rust module path) may differ.
    for name in (
        "lp_cron",
        "lp_cron_offset",
        "lp_cron_alias",
        "lp_fixed_rate",
        "lp_fixed_rate_minutes",
        "lp_auto_activate",
        "lp_default_wf_tick",
        "lp_notify",
        "lp_options",
        "lp_auth_role",
        "lp_concurrency",
        "lp_inputs",
        "lp_sub_lp",
        "lp_default_wf_default_opts",
    ):
        golden = load(f"production/{name}.json")
        allowed = (lambda w, n=name: w == "spec.workflowId.name" or (n.startswith("lp_default_") and w == "id.name"))  # noqa: E731
        checks.append((f"{name}.pb", out / f"{name}.pb", launch_plan_pb2.LaunchPlan, golden, allowed))
    # Workflows: names are Rust module paths; task templates differ as TASK_ALLOWED says.
    for name in ("wf_ordering", "wf_interruptible", "wf_overrides", "wf_overrides_node", "wf_failure", "wf_gates", "wf_reference", "wf_lp_node", "wf_map_partial", "wf_map_two_lists", "wf_map_min_successes", "wf_map_min_ratio", "wf_map_lp"):
        for kind, cls in (("spec", admin_workflow_pb2.WorkflowSpec), ("closure", workflow_closure_pb2.WorkflowClosure)):
            golden = load(f"production/{name}_{kind}.json")
            # Over a launch plan our array node is flytekit's own form: compared strictly.
            task_map = name.startswith("wf_map_") and name != "wf_map_lp"
            allowed = map_workflow_allowed(name) if task_map else production_workflow_allowed
            checks.append((f"{name}_{kind}.pb", out / f"{name}_{kind}.pb", cls, golden, allowed))
    for ours, cls, golden in (
        ("workflow_my_workflow.pb", workflow_pb2.WorkflowTemplate, "seed_workflow_template.json"),
        ("workflow_spec.pb", admin_workflow_pb2.WorkflowSpec, "seed_workflow_spec.json"),
        ("workflow_closure.pb", workflow_closure_pb2.WorkflowClosure, "seed_workflow_closure.json"),
        ("launch_plan.pb", launch_plan_pb2.LaunchPlan, "seed_launchplan.json"),
    ):
        checks.append((ours, out / ours, cls, load(golden), spec_allowed))

    # What `serialize` wrote, file by file against pyflyte package's own files.
    passed = 0
    failures = dynamic_settings_problems(out, golden_dir)
    package = sorted((out / "package").glob("*.pb"))
    golden_package = sorted((golden_dir / "pyflyte_package").glob("*.json"))
    if len(package) != len(golden_package):
        failures.append(f"package: {len(package)} files, pyflyte wrote {len(golden_package)}")
    kinds = {"1": task_pb2.TaskSpec, "2": admin_workflow_pb2.WorkflowSpec, "3": launch_plan_pb2.LaunchPlan}
    for ours, golden in zip(package, golden_package):
        kind = ours.stem.rsplit("_", 1)[1]
        if kind != golden.stem.rsplit("_", 1)[1]:
            failures.append(f"package/{ours.name}: kind differs from {golden.name}")
            continue
        theirs = json.loads(golden.read_text())
        checks.append((f"package/{ours.name}", ours, kinds[kind], theirs, spec_allowed))
        # `serialize --json` beside it: protobuf's JSON form of the same message, as
        # MessageToJson writes it (names, defaults left out, int64 as strings, enums).
        ours_json = ours.with_suffix(".json")
        if not ours_json.exists():
            failures.append(f"package/{ours_json.name}: missing (serialize --json)")
            continue
        msg = kinds[kind]()
        msg.ParseFromString(ours.read_bytes())
        expected = json_format.MessageToDict(msg)
        written = json.loads(ours_json.read_text())
        for where, mine, proto in diff(written, expected):
            failures.append(f"package/{ours_json.name} at {where}: ours {mine!r}, MessageToJson {proto!r}")

    # `serialize --json` of the production example: each .json is protobuf's JSON form
    # of the .pb beside it (what MessageToJson writes).
    json_package = sorted(out.glob("package-json*/*.pb"))
    if not json_package:
        failures.append("package-json/: no files (the test that writes them did not run)")
    for ours in json_package:
        msg = kinds[ours.stem.rsplit("_", 1)[1]]()
        msg.ParseFromString(ours.read_bytes())
        written = json.loads(ours.with_suffix(".json").read_text())
        problems = [
            f"{ours.parent.name}/{ours.stem}.json at {where}: ours {mine!r}, MessageToJson {proto!r}"
            for where, mine, proto in diff(written, json_format.MessageToDict(msg))
        ]
        failures += problems
        passed += not problems

    parse_only = sorted((out / "parse").glob("*/*.pb"))
    for path in parse_only:
        cls = PARSE_ONLY.get(path.parent.name)
        if cls is None:
            failures.append(f"parse/{path.parent.name}: not a message this check knows")
            continue
        checks.append((f"parse/{path.parent.name}/{path.name}", path, cls, None, None))
    if not parse_only:
        failures.append("parse/: no files (the tests that write them did not run)")

    for label, path, cls, theirs, allowed in checks:
        problems = compare(label, path, cls, theirs, allowed)
        failures += problems
        passed += not problems
    for f in failures:
        print("FAIL", f)
    print(f"flyteidl: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
