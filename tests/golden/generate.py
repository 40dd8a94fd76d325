#!/usr/bin/env python3
"""Regenerate the flytekit 1.16.31 goldens of tests/golden/ (see README.md next to this file).

    python tests/golden/generate.py [OUT] [--only top,production,exec,package] [--exec-root /flyte-golden]

OUT defaults to this folder (tests/golden) itself. Needs flytekit==1.16.31 (flyteidl 1.16.8), pandas, pyarrow and
kubernetes in the running interpreter. The script re-executes itself with PYTHONHASHSEED=0 if that is not set.

Sources: seed_sensor.py (seed_*, pyflyte_package/), golden_types.py (types_*), prod.py (production/), all imported
from this folder. file_sensor_task is a flytekit FileSensor built here.

Writes, per golden NAME: NAME.pb = SerializeToString(deterministic=True), NAME.json = MessageToJson(indent=2) with
every map (and Struct) sorted by key, plus a newline; INDEX.txt in OUT and OUT/production. The exec_* cases run
pyflyte-execute for real under --exec-root (default /flyte-golden, a fixed synthetic root whose path ends up in the
outputs' URIs; it must be writable, and <exec-root>/exec/<case> and <exec-root>/code are wiped first).
"""

import argparse
import base64
import collections
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

if os.environ.get("PYTHONHASHSEED") != "0":
    # Set iteration order (list(set(...)) of upstream node ids) depends on string hashing.
    env = dict(os.environ, PYTHONHASHSEED="0")
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)

sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ next to the goldens

import flytekit  # noqa: E402
from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2  # noqa: E402
from flyteidl.core import dynamic_job_pb2, literals_pb2, workflow_closure_pb2  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from google.protobuf.descriptor import FieldDescriptor  # noqa: E402

from flytekit.configuration import Image, ImageConfig, SerializationSettings  # noqa: E402
from flytekit.core.context_manager import FlyteContextManager  # noqa: E402
from flytekit.core.launch_plan import LaunchPlan  # noqa: E402
from flytekit.models import literals as literal_models  # noqa: E402
from flytekit.models.core import types as core_type_models  # noqa: E402
from flytekit.models.task import TaskSpec  # noqa: E402
from flytekit.tools.translator import get_serializable  # noqa: E402

FLYTEKIT_VERSION = "1.16.31"
PROJECT, DOMAIN, VERSION = "flytesnacks", "development", "v1"
IMAGE_FQN, IMAGE_TAG = "cr.flyte.org/flyteorg/flytekit", "py3.11-1.16.31"
IMAGE = f"{IMAGE_FQN}:{IMAGE_TAG}"

# Set by --keep-upstream-order (False): see canonical_upstream.
CANONICAL_UPSTREAM = True

if flytekit.__version__ != FLYTEKIT_VERSION:
    sys.exit(f"generate.py: needs flytekit {FLYTEKIT_VERSION}, found {flytekit.__version__}")


# ----------------------------------------------------------------------------------------------------------------------
# Writing


def _sort_all(v):
    """A Struct/Value/ListValue in JSON form: every object is a map, sort them all."""
    if isinstance(v, dict):
        return {k: _sort_all(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [_sort_all(x) for x in v]
    return v


_STRUCTS = {"google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue"}


def _sort_maps(desc, d):
    """Sort the keys of every map field (and Struct) of the MessageToDict output `d` of a message `desc`."""
    if desc.full_name in _STRUCTS:
        return _sort_all(d)
    if desc.full_name.startswith("google.protobuf.") or not isinstance(d, dict):
        return d
    for field in desc.fields:
        key = field.json_name
        if key not in d or field.message_type is None:
            continue
        mt = field.message_type
        v = d[key]
        if mt.GetOptions().map_entry:
            vf = mt.fields_by_name["value"]
            d[key] = {
                k: (_sort_maps(vf.message_type, v[k]) if vf.message_type is not None else v[k]) for k in sorted(v)
            }
        elif field.is_repeated:
            d[key] = [_sort_maps(mt, x) for x in v]
        else:
            d[key] = _sort_maps(mt, v)
    return d


def to_dict(msg):
    return _sort_maps(msg.DESCRIPTOR, json_format.MessageToDict(msg))


def to_json(msg) -> str:
    """MessageToJson(msg, indent=2) with map keys sorted."""
    return json.dumps(to_dict(msg), indent=2) + "\n"


class Out:
    """One output folder and its INDEX rows."""

    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self.rows = []  # (name, type, size, description or None)

    def path(self, name):
        return os.path.join(self.folder, name)

    def msg(self, name, msg, description=None, pb_too=True, size=None):
        """NAME.pb and NAME.json, and an INDEX row giving the size of NAME.pb (or `size`)."""
        data = msg.SerializeToString(deterministic=True)
        if pb_too:
            with open(self.path(name + ".pb"), "wb") as fh:
                fh.write(data)
        with open(self.path(name + ".json"), "w") as fh:
            fh.write(to_json(msg))
        self.rows.append((name, msg.DESCRIPTOR.full_name, len(data) if size is None else size, description))
        return data

    def raw(self, fname, data: bytes, kind, description=None, index_name=None):
        with open(self.path(fname), "wb") as fh:
            fh.write(data)
        self.rows.append((index_name or fname, kind, len(data), description))

    def index(self, header, footer=(), with_description=False):
        lines = list(header)
        for name, kind, size, desc in self.rows:
            cols = [name, kind, str(size)] + ([desc or ""] if with_description else [])
            lines.append("\t".join(cols))
        lines += list(footer)
        with open(self.path("INDEX.txt"), "w") as fh:
            fh.write("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------------------------------------------------
# Serializing with flytekit


def default_image():
    return Image(name="default", fqn=IMAGE_FQN, tag=IMAGE_TAG)


def settings(*extra_images: Image) -> SerializationSettings:
    image_config = ImageConfig.create_from(default_image(), list(extra_images))
    return SerializationSettings(project=PROJECT, domain=DOMAIN, version=VERSION, image_config=image_config)


def task_template(entity, ss=None):
    spec = get_serializable(collections.OrderedDict(), ss or settings(), entity)
    return spec.template.to_flyte_idl()


def workflow_parts(wf, ss=None):
    """(core WorkflowTemplate, admin WorkflowSpec, core WorkflowClosure) of a workflow.

    The closure is assembled here, not by flytekit: the template plus every TaskTemplate flytekit serialized for it
    (in the order get_serializable met them); sub-workflows are only in the spec."""
    mapping = collections.OrderedDict()
    spec = get_serializable(mapping, ss or settings(), wf)
    tasks = [e.template.to_flyte_idl() for e in mapping.values() if isinstance(e, TaskSpec)]
    spec_pb = spec.to_flyte_idl()
    if CANONICAL_UPSTREAM:
        canonical_workflow_upstream(spec_pb)
    closure = workflow_closure_pb2.WorkflowClosure(workflow=spec_pb.template, tasks=tasks)
    return spec_pb.template, spec_pb, closure


def launch_plan(lp, ss=None):
    return get_serializable(collections.OrderedDict(), ss or settings(), lp).to_flyte_idl()


def default_launch_plan(wf, ss=None):
    return launch_plan(LaunchPlan.get_default_launch_plan(FlyteContextManager.current_context(), wf), ss)


def replace_in_strings(msg, old, new):
    """Replace `old` by `new` in every string field of a protobuf message, recursively (maps included)."""
    for field, value in msg.ListFields():
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            vf = field.message_type.fields_by_name["value"]
            for k in list(value.keys()):
                if vf.message_type is not None:
                    replace_in_strings(value[k], old, new)
                elif vf.type == FieldDescriptor.TYPE_STRING:
                    value[k] = value[k].replace(old, new)
        elif field.message_type is not None:
            for item in value if field.is_repeated else [value]:
                replace_in_strings(item, old, new)
        elif field.type == FieldDescriptor.TYPE_STRING:
            if field.is_repeated:
                value[:] = [s.replace(old, new) for s in value]
            else:
                setattr(msg, field.name, value.replace(old, new))


def canonical_upstream(nodes):
    """Put each node's upstream_node_ids in the order of `nodes` (call order: n0, n1, ...), in place.

    flytekit builds the list as list(set(upstream Node objects)); Node has no __hash__, so the order follows object
    addresses and changes from run to run (ASLR), whatever PYTHONHASHSEED is. The order carries no meaning (Flyte
    treats it as a set); the committed goldens happen to be in call order."""
    position = {n.id: i for i, n in enumerate(nodes)}
    for n in nodes:
        ids = list(n.upstream_node_ids)
        ordered = sorted(ids, key=lambda i: position.get(i, len(nodes)))
        if ordered != ids:
            n.upstream_node_ids[:] = ordered


def canonical_workflow_upstream(msg):
    """canonical_upstream on every workflow template in a WorkflowTemplate / admin WorkflowSpec / WorkflowClosure /
    DynamicJobSpec (its nodes and sub-workflows)."""
    name = msg.DESCRIPTOR.full_name
    if name == "flyteidl.core.WorkflowTemplate":
        canonical_upstream(msg.nodes)
    elif name == "flyteidl.admin.WorkflowSpec":
        for t in [msg.template] + list(msg.sub_workflows):
            canonical_upstream(t.nodes)
    elif name == "flyteidl.core.WorkflowClosure":
        canonical_upstream(msg.workflow.nodes)
    elif name == "flyteidl.core.DynamicJobSpec":
        canonical_upstream(msg.nodes)
        for t in msg.subworkflows:
            canonical_upstream(t.nodes)
    return msg


# ----------------------------------------------------------------------------------------------------------------------
# Top level: seed_*, file_sensor_task, types_*

TOP_HEADER = [
    "# flytekit golden protobufs; settings: project=flytesnacks domain=development version=v1 image=" + IMAGE,
    "# name  proto_message_type  binary_size_bytes",
]


def gen_top(out_dir, seed_random):
    from datetime import timedelta

    from flytekit.core.data_persistence import flyte_tmp_dir
    from flytekit.core.type_engine import TypeEngine
    from flytekit.interfaces import random as flyte_random
    from flytekit.sensor.file_sensor import FileSensor

    import golden_types
    import seed_sensor

    out = Out(out_dir)

    # seed_*: the tutorial's sensor, print_file, my_workflow and its default launch plan
    out.msg("seed_task_my-objectstore-sensor", task_template(seed_sensor.sensor))
    out.msg("seed_task_print_file", task_template(seed_sensor.print_file))
    template, spec, closure = workflow_parts(seed_sensor.my_workflow)
    out.msg("seed_workflow_template", template)
    out.msg("seed_workflow_spec", spec)
    out.msg("seed_workflow_closure", closure)
    out.msg("seed_launchplan", default_launch_plan(seed_sensor.my_workflow))

    # file_sensor_task: flytekit's own FileSensor, the modern form of the seed's sensor
    file_sensor = FileSensor(name="file_sensor_example", timeout=timedelta(minutes=10))
    out.msg("file_sensor_task", task_template(file_sensor))

    # types_*: FlyteFile/FlyteDirectory literals are uploaded under flytekit's local tmp dir, at raw/<32 random hex>;
    # the tmp dir is written as "<local-sandbox>". The hex comes from flytekit's own Random instance, seeded here so
    # that reruns of this script agree with each other (the committed goldens came from an unseeded run).
    if seed_random is not None:
        flyte_random.random.seed(seed_random)
    # These two hold local paths, so only their .json is kept (with "<local-sandbox>"); INDEX.txt gives the size of
    # the real message, before that replacement.
    ctx = FlyteContextManager.current_context()
    lm = TypeEngine.dict_to_literal_map(ctx, golden_types.VALUES, golden_types.TYPES).to_flyte_idl()
    lm_size = lm.ByteSize()
    replace_in_strings(lm, flyte_tmp_dir, "<local-sandbox>")

    template, spec, closure = workflow_parts(golden_types.types_wf)
    out.msg("types_workflow_template", template)
    out.msg("types_workflow_spec", spec)
    out.msg("types_workflow_closure", closure)
    lp = default_launch_plan(golden_types.types_wf)
    lp_size = lp.ByteSize()
    replace_in_strings(lp, flyte_tmp_dir, "<local-sandbox>")
    out.msg("types_launchplan", lp, pb_too=False, size=lp_size)
    out.msg("types_task", task_template(golden_types.types_task))
    out.msg("types_inputs_literalmap", lm, pb_too=False, size=lm_size)

    summary = {}
    for name, py_type in golden_types.TYPES.items():
        summary[name] = {
            "python_type": str(py_type),
            "literal_type": to_dict(TypeEngine.to_literal_type(py_type).to_flyte_idl()),
            "literal": to_dict(lm.literals[name]),
        }
    with open(out.path("types_summary.json"), "w") as fh:
        fh.write(json.dumps(summary, indent=2))  # no trailing newline, as in the committed file

    out.index(TOP_HEADER)


# ----------------------------------------------------------------------------------------------------------------------
# production/: module prod

PRODUCTION_HEADER = [
    "# flytekit 1.16.31 / flyteidl 1.16.8 'production feature' goldens, produced from the Python in README.md (one module imported as 'prod')",
    "# settings: project=flytesnacks domain=development version=v1 image=cr.flyte.org/flyteorg/flytekit:py3.11-1.16.31 (task_image_named: + Image(name='gpu', fqn='ghcr.io/acme/gpu', tag='2.0'))",
    '# each NAME.pb = SerializeToString(deterministic=True); NAME.json = MessageToJson(msg, indent=2) with map keys sorted (unless noted)',
    '# exec_* = files from real pyflyte-execute runs staged under the synthetic root /flyte-golden; they hold random raw-prefix dir names (and exec_dynamic_futures an arbitrary upstreamNodeIds order)',
    '# name<TAB>message type<TAB>bytes<TAB>python source',
]

PRODUCTION_FOOTER = [
    '#',
    '# NOT SUPPORTED by flytekit 1.16.31 (nothing written for these):',
    '# - LaunchPlanSpec.envs, .interruptible, .quality_of_service, .cluster_assignment, .execution_env_assignments: LaunchPlan.get_or_create/create have no such arguments and flytekit\'s LaunchPlanSpec.to_flyte_idl never sets them.',
    '# - LaunchPlanSpec.auth_role / .role / .auth (deprecated): never set. get_or_create(auth_role=AuthRole(...)) is accepted but converted into security_context.run_as {iam_role, k8s_service_account} (see lp_auth_role).',
    '# - LaunchPlan auto_activate=True: client-side flag only (used by pyflyte register); no proto field (see lp_auto_activate).',
    '# - CronSchedule(cron_expression=...) (AWS 6-field form, Schedule.cron_expression): raises AssertionError in 1.16.31; only CronSchedule(schedule=..., offset=...) -> Schedule.cron_schedule works.',
    '# - map_task(task, min_successes=N): accepted and used by local execution, but not serialized: ArrayNode gets min_success_ratio=1.0 instead (flytekit.models.core.workflow.ArrayNode.to_flyte_idl passes min_successes and then min_success_ratio, default 1.0, to the proto constructor; both are in the success_criteria oneof and the later kwarg wins). See wf_map_min_successes.',
    '# - with_overrides(...): no environment/env, secret_requests, labels/annotations, or cache_ignore_input_vars override (the last is a TODO in flytekit source). Unknown keyword arguments are silently ignored (checked: environment=, labels=, cache_ignore_input_vars=, bogus= all leave TaskNodeOverrides empty). NodeMetadata.config is never set.',
    '# - @workflow: no tags (WorkflowMetadata.tags) and no quality_of_service; workflow-level labels/annotations only via @workflow(default_options=Options(labels=..., annotations=...)), which affects only the default launch plan.',
    '# - Workflow-level interruptible=False is not distinguishable from unset (WorkflowMetadataDefaults.interruptible is a plain bool).',
]

# golden name -> INDEX description (the "python source" column)
DESCRIPTIONS = dict(
    [
        ('task_resources', "@task(requests=Resources(cpu='500m', mem='2Gi'), limits=Resources(cpu='1', mem='4Gi', gpu='1', ephemeral_storage='10Gi'))"),
        ('task_resources_tuple', "@task(resources=Resources(cpu=('1','2'), mem='1Gi'))  (request/limit tuple form)"),
        ('task_accel_a100', '@task(accelerator=A100, shared_memory=True)'),
        ('task_accel_mig', "@task(accelerator=A100.partition_2g_10gb, shared_memory='2Gi')"),
        ('task_accel_unpartitioned', '@task(accelerator=A100.unpartitioned)'),
        ('task_env', "@task(environment={'RUST_LOG': 'info', 'REGION': 'eu'})"),
        ('task_secrets', '@task(secret_requests=[Secret ENV_VAR+env_var, Secret FILE, Secret ANY+group_version])'),
        ('task_image_literal', "@task(container_image='ghcr.io/acme/gpu:1.2')"),
        ('task_image_named', "@task(container_image='{{.image.gpu.fqn}}:{{.image.gpu.version}}') serialized with an ImageConfig that declares Image(name='gpu', fqn='ghcr.io/acme/gpu', tag='2.0')"),
        ('task_pod_template', "@task(pod_template=PodTemplate(primary_container_name='primary', labels, annotations, pod_spec=V1PodSpec(containers=[], tolerations=[...], node_selector={...})))"),
        ('task_pod_template_name', "@task(pod_template_name='gpu-nodes')"),
        ('task_container', "ContainerTask(name='ellipse-area', inputs a: float, b: float, notes: FlyteFile, outputs area: float, metadata: str, command with {{.inputs.a}}, arguments, input/output_data_dir, metadata_format=PROTO, requests, environment)"),
        ('task_cache', "@task(cache=True, cache_version='1', cache_ignore_input_vars=['log_level'])"),
        ('task_cache_serialize', "@task(cache=True, cache_version='1', cache_serialize=True)"),
        ('task_cache_obj', "@task(cache=Cache(version='2', serialize=True, ignored_inputs=('log_level',)))"),
        ('task_interruptible', '@task(interruptible=True)'),
        ('task_deprecated', "@task(deprecated='use v2')"),
        ('task_timeout_retries', '@task(timeout=timedelta(minutes=30), retries=3)'),
        ('task_labels', "@task(labels={'team': 'ml'}, annotations={'acme.io/owner': 'ml-platform'})"),
        ('task_sd', '@task def t_sd(sd: Annotated[StructuredDataset, kwtypes(a=int, b=str)]) -> same'),
        ('task_df', '@task def t_df(df: pd.DataFrame) -> pd.DataFrame'),
        ('task_files', "@task def t_files(f: FlyteFile[TypeVar('csv')]) -> Tuple[FlyteFile[TypeVar('csv')], FlyteDirectory]"),
        ('task_dynamic', '@dynamic def d_fanout(n: int) -> int  (fans out square(x=i), then total(xs))'),
        ('task_dynamic_F_SS_C.decoded.json', 'base64+gzip JSON SerializationSettings found in task_dynamic container.env _F_SS_C, decoded'),
        ('task_deck', '@task(enable_deck=True)'),
        ('task_big_list', '@task def t_big_list(n: int) -> List[int]  (used for literal offloading)'),
        ('wf_overrides_spec', "add_one(x).with_overrides(requests, limits, container_image, name, timeout, retries, interruptible, cache=Cache(version='3', serialize=True))  [admin WorkflowSpec: template + sub_workflows]"),
        ('wf_overrides_closure', "add_one(x).with_overrides(requests, limits, container_image, name, timeout, retries, interruptible, cache=Cache(version='3', serialize=True))  [core WorkflowClosure: template + task templates]"),
        ('wf_overrides_node_spec', "add_one(x).with_overrides(node_name='Second_Node', accelerator=A100.partition_1g_5gb, shared_memory='1Gi', pod_template=PodTemplate(...))  [admin WorkflowSpec: template + sub_workflows]"),
        ('wf_overrides_node_closure', "add_one(x).with_overrides(node_name='Second_Node', accelerator=A100.partition_1g_5gb, shared_memory='1Gi', pod_template=PodTemplate(...))  [core WorkflowClosure: template + task templates]"),
        ('wf_ordering_spec', 't_noop_a() >> t_noop_b()  (dependency without data)  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_ordering_closure', 't_noop_a() >> t_noop_b()  (dependency without data)  [core WorkflowClosure: template + task templates]'),
        ('wf_failure_spec', '@workflow(failure_policy=FAIL_AFTER_EXECUTABLE_NODES_COMPLETE, on_failure=cleanup)  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_failure_closure', '@workflow(failure_policy=FAIL_AFTER_EXECUTABLE_NODES_COMPLETE, on_failure=cleanup)  [core WorkflowClosure: template + task templates]'),
        ('wf_interruptible_spec', '@workflow(interruptible=True)  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_interruptible_closure', '@workflow(interruptible=True)  [core WorkflowClosure: template + task templates]'),
        ('wf_lp_node_spec', 'workflow calling LaunchPlan prod.sub_lp (launchplan_ref node) and @workflow sub_wf (sub_workflow_ref node)  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_lp_node_closure', 'workflow calling LaunchPlan prod.sub_lp (launchplan_ref node) and @workflow sub_wf (sub_workflow_ref node)  [core WorkflowClosure: template + task templates]'),
        ('wf_reference_spec', 'workflow calling @reference_task(shared/production/acme.tasks.score/v7) and @reference_launch_plan(shared/production/acme.lp.nightly/v3)  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_reference_closure', 'workflow calling @reference_task(shared/production/acme.tasks.score/v7) and @reference_launch_plan(shared/production/acme.lp.nightly/v3)  [core WorkflowClosure: template + task templates]'),
        ('wf_gates_spec', "sleep(timedelta(minutes=10)), wait_for_input('approve-deploy', timeout=1h, expected_type=bool), approve(y, 'release', timeout=2h)  [admin WorkflowSpec: template + sub_workflows]"),
        ('wf_gates_closure', "sleep(timedelta(minutes=10)), wait_for_input('approve-deploy', timeout=1h, expected_type=bool), approve(y, 'release', timeout=2h)  [core WorkflowClosure: template + task templates]"),
        ('wf_map_partial_spec', 'map_task(functools.partial(scale, factor=10))(x=xs)  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_map_partial_closure', 'map_task(functools.partial(scale, factor=10))(x=xs)  [core WorkflowClosure: template + task templates]'),
        ('wf_map_two_lists_spec', 'map_task(pair)(a=a, b=b)  (two mapped lists)  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_map_two_lists_closure', 'map_task(pair)(a=a, b=b)  (two mapped lists)  [core WorkflowClosure: template + task templates]'),
        ('wf_map_min_successes_spec', 'map_task(add_one, concurrency=2, min_successes=2)(x=xs)  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_map_min_successes_closure', 'map_task(add_one, concurrency=2, min_successes=2)(x=xs)  [core WorkflowClosure: template + task templates]'),
        ('wf_map_min_ratio_spec', 'map_task(add_one, concurrency=4, min_success_ratio=0.75)(x=xs)  (output List[Optional[int]])  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_map_min_ratio_closure', 'map_task(add_one, concurrency=4, min_success_ratio=0.75)(x=xs)  (output List[Optional[int]])  [core WorkflowClosure: template + task templates]'),
        ('wf_map_lp_spec', 'map_task(sub_lp, concurrency=2)(x=xs)  (ArrayNode over a launch plan)  [admin WorkflowSpec: template + sub_workflows]'),
        ('wf_map_lp_closure', 'map_task(sub_lp, concurrency=2)(x=xs)  (ArrayNode over a launch plan)  [core WorkflowClosure: template + task templates]'),
        ('lp_cron', "LaunchPlan.get_or_create(wf_sched, schedule=CronSchedule(schedule='0 5 * * *', kickoff_time_input_arg='run_at'))"),
        ('lp_cron_offset', "CronSchedule(schedule='0 5 * * *', offset='PT30M', kickoff_time_input_arg='run_at')"),
        ('lp_cron_alias', "CronSchedule(schedule='@daily', kickoff_time_input_arg='run_at')"),
        ('lp_fixed_rate', 'LaunchPlan.get_or_create(wf_tick, schedule=FixedRate(duration=timedelta(hours=6)))'),
        ('lp_fixed_rate_minutes', "FixedRate(duration=timedelta(minutes=90), kickoff_time_input_arg='run_at')"),
        ('lp_notify', 'notifications=[Email(phases=[FAILED, TIMED_OUT], ...), Slack(phases=[SUCCEEDED], ...), PagerDuty(phases=[FAILED], ...)]'),
        ('lp_options', 'labels, annotations, max_parallelism=8, raw_output_data_config, security_context(run_as iam_role + k8s_service_account), overwrite_cache=True'),
        ('lp_inputs', "default_inputs={'x': 5}, fixed_inputs={'run_at': datetime(2024,1,2,3,4,5)}"),
        ('lp_auth_role', 'auth_role=AuthRole(assumable_iam_role=..., kubernetes_service_account=...)  (deprecated arg)'),
        ('lp_concurrency', 'concurrency=ConcurrencyPolicy(max_concurrency=1, behavior=ConcurrencyLimitBehavior.SKIP)'),
        ('lp_auto_activate', 'schedule=FixedRate(timedelta(days=1)), auto_activate=True  (client-side flag, not in the proto)'),
        ('lp_sub_lp', "LaunchPlan.get_or_create(sub_wf, name='prod.sub_lp', default_inputs={'x': 3})  (the LP called by wf_lp_node / wf_map_lp)"),
        ('lp_default_wf_tick', 'LaunchPlan.get_default_launch_plan(ctx, wf_tick)  (baseline default LP)'),
        ('lp_default_wf_default_opts', 'default LP of @workflow(default_options=Options(labels=..., annotations=...))'),
        ('exec_dynamic_inputs', "inputs.pb given to pyflyte-execute for d_fanout {'n': 3}"),
        ('exec_dynamic_futures', 'futures.pb written by pyflyte-execute for @dynamic d_fanout(n=3)'),
        ('exec_dynamic_files.txt', 'file listing of the d_fanout run (futures.pb, no outputs.pb)'),
        ('exec_sd_inputs', "inputs.pb given to pyflyte-execute for sd_make {'n': 4}"),
        ('exec_sd_outputs', 'outputs.pb of sd_make(n=4) (StructuredDataset literal, parquet under raw prefix)'),
        ('exec_sd_files.txt', 'file listing of the sd_make run: parquet layout under raw/'),
        ('exec_df_inputs', "inputs.pb given to pyflyte-execute for df_make {'n': 4}"),
        ('exec_df_outputs', 'outputs.pb of df_make(n=4) (StructuredDataset literal, parquet under raw prefix)'),
        ('exec_df_files.txt', 'file listing of the df_make run: parquet layout under raw/'),
        ('exec_files_inputs', "inputs.pb given to pyflyte-execute for t_files {'f': '/flyte-golden/exec/files/in.csv'}"),
        ('exec_files_outputs', "outputs.pb of t_files: o0 blob format 'csv' (SINGLE), o1 blob MULTIPART (FlyteDirectory)"),
        ('exec_files_files.txt', 'file listing of the t_files run: raw/<hex>/copy.csv and the directory contents directly under another raw/<hex>/'),
        ('exec_deck_inputs', "inputs.pb given to pyflyte-execute for t_deck {'x': 7}"),
        ('exec_deck_files.txt', 'file listing of the t_deck run (enable_deck=True): out/deck.html next to outputs.pb'),
        ('exec_nodeck_inputs', "inputs.pb given to pyflyte-execute for add_one {'x': 7}"),
        ('exec_nodeck_files.txt', 'file listing of a plain add_one run, for comparison (no deck.html)'),
        ('exec_offload_inputs', "inputs.pb given to pyflyte-execute for t_big_list {'n': 110000}"),
        ('exec_offload_outputs', 'outputs.pb of t_big_list(n=110000) with _F_L_MIN_SIZE_MB=1: o0 is an offloaded_metadata literal'),
        ('exec_offload_files.txt', 'file listing of the offloading run (out/o0_offloaded_metadata.pb)'),
        ('exec_offload_o0_offloaded_metadata', 'side file out/o0_offloaded_metadata.pb, copied byte-for-byte (as written by flytekit, not re-serialized); no .json (too big), see .summary.json'),
        ('exec_offload_o0_offloaded_metadata.summary.json', 'summary of the offloaded Literal (collection of 110000 integer scalars)'),
    ]
)

# (golden task name, prod attribute) in INDEX order
PROD_TASKS = [
    ("task_resources", "t_resources"),
    ("task_resources_tuple", "t_resources_tuple"),
    ("task_accel_a100", "t_accel_a100"),
    ("task_accel_mig", "t_accel_mig"),
    ("task_accel_unpartitioned", "t_accel_unpartitioned"),
    ("task_env", "t_env"),
    ("task_secrets", "t_secrets"),
    ("task_image_literal", "t_image_literal"),
    ("task_image_named", "t_image_named"),
    ("task_pod_template", "t_pod_template"),
    ("task_pod_template_name", "t_pod_template_name"),
    ("task_container", "t_container"),
    ("task_cache", "t_cache"),
    ("task_cache_serialize", "t_cache_serialize"),
    ("task_cache_obj", "t_cache_obj"),
    ("task_interruptible", "t_interruptible"),
    ("task_deprecated", "t_deprecated"),
    ("task_timeout_retries", "t_timeout_retries"),
    ("task_labels", "t_labels"),
    ("task_sd", "t_sd"),
    ("task_df", "t_df"),
    ("task_files", "t_files"),
    ("task_dynamic", "d_fanout"),  # followed by task_dynamic_F_SS_C.decoded.json
    ("task_deck", "t_deck"),
    ("task_big_list", "t_big_list"),
]

PROD_WORKFLOWS = [
    "wf_overrides",
    "wf_overrides_node",
    "wf_ordering",
    "wf_failure",
    "wf_interruptible",
    "wf_lp_node",
    "wf_reference",
    "wf_gates",
    "wf_map_partial",
    "wf_map_two_lists",
    "wf_map_min_successes",
    "wf_map_min_ratio",
    "wf_map_lp",
]

# (golden name, prod attribute of a LaunchPlan, or "default:<workflow attribute>")
PROD_LAUNCH_PLANS = [
    ("lp_cron", "lp_cron"),
    ("lp_cron_offset", "lp_cron_offset"),
    ("lp_cron_alias", "lp_cron_alias"),
    ("lp_fixed_rate", "lp_fixed_rate"),
    ("lp_fixed_rate_minutes", "lp_fixed_rate_minutes"),
    ("lp_notify", "lp_notify"),
    ("lp_options", "lp_options"),
    ("lp_inputs", "lp_inputs"),
    ("lp_auth_role", "lp_auth_role"),
    ("lp_concurrency", "lp_concurrency"),
    ("lp_auto_activate", "lp_auto_activate"),
    ("lp_sub_lp", "sub_lp"),
    ("lp_default_wf_tick", "default:wf_tick"),
    ("lp_default_wf_default_opts", "default:wf_default_opts"),
]


def int_inputs(**values) -> literals_pb2.LiteralMap:
    return literal_models.LiteralMap(
        {
            k: literal_models.Literal(scalar=literal_models.Scalar(primitive=literal_models.Primitive(integer=v)))
            for k, v in values.items()
        }
    ).to_flyte_idl()


def csv_file_inputs(uri) -> literals_pb2.LiteralMap:
    blob_type = core_type_models.BlobType(format="csv", dimensionality=core_type_models.BlobType.BlobDimensionality.SINGLE)
    blob = literal_models.Blob(metadata=literal_models.BlobMetadata(type=blob_type), uri=uri)
    return literal_models.LiteralMap({"f": literal_models.Literal(scalar=literal_models.Scalar(blob=blob))}).to_flyte_idl()


def gen_production(out_dir, exec_root, do_exec, keep_exec=False):
    import prod

    out = Out(out_dir)
    gpu = Image(name="gpu", fqn="ghcr.io/acme/gpu", tag="2.0")

    for name, attr in PROD_TASKS:
        ss = settings(gpu) if name == "task_image_named" else settings()
        template = task_template(getattr(prod, attr), ss)
        out.msg(name, template, DESCRIPTIONS[name])
        if name == "task_dynamic":
            env = {kv.key: kv.value for kv in template.container.env}
            decoded = json.loads(gzip.decompress(base64.b64decode(env["_F_SS_C"])))
            data = (json.dumps(decoded, indent=2) + "\n").encode()
            fname = "task_dynamic_F_SS_C.decoded.json"
            out.raw(fname, data, "json (decoded env value)", DESCRIPTIONS[fname])

    for wf in PROD_WORKFLOWS:
        _, spec, closure = workflow_parts(getattr(prod, wf))
        out.msg(wf + "_spec", spec, DESCRIPTIONS[wf + "_spec"])
        out.msg(wf + "_closure", closure, DESCRIPTIONS[wf + "_closure"])

    for name, attr in PROD_LAUNCH_PLANS:
        if attr.startswith("default:"):
            lp = default_launch_plan(getattr(prod, attr.split(":", 1)[1]))
        else:
            lp = launch_plan(getattr(prod, attr))
        out.msg(name, lp, DESCRIPTIONS[name])

    if do_exec:
        gen_exec(out, prod, exec_root, keep_exec)

    out.index(PRODUCTION_HEADER, PRODUCTION_FOOTER, with_description=True)


# ----------------------------------------------------------------------------------------------------------------------
# production/exec_*: real pyflyte-execute runs


def run_case(out, prod, exec_root, case, attr, inputs, extra_env=None, prepare=None):
    """Run prod.<attr> the way FlytePropeller runs its container, under <exec_root>/exec/<case>.

    Writes exec_<case>_inputs and exec_<case>_files.txt; returns the case folder."""
    case_dir = os.path.join(exec_root, "exec", case)
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(case_dir)
    if prepare:
        prepare(case_dir)
    with open(os.path.join(case_dir, "inputs.pb"), "wb") as fh:
        fh.write(inputs.SerializeToString(deterministic=True))
    out.msg(f"exec_{case}_inputs", inputs, DESCRIPTIONS[f"exec_{case}_inputs"])

    template = task_template(getattr(prod, attr))
    fill = {
        "{{.input}}": f"file://{case_dir}/inputs.pb",
        "{{.outputPrefix}}": f"file://{case_dir}/out",
        "{{.rawOutputDataPrefix}}": f"{case_dir}/raw",
        "{{.checkpointOutputPrefix}}": f"file://{case_dir}/cp",
        "{{.prevCheckpointPrefix}}": "",
    }
    argv = [fill.get(a, a) for a in template.container.args]
    template_env = {kv.key: kv.value for kv in template.container.env}
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update(
        {  # what flytek8s DecorateEnvVars sets
            "FLYTE_INTERNAL_EXECUTION_WORKFLOW": f"{PROJECT}:{DOMAIN}:golden.exec_{case}",
            "FLYTE_INTERNAL_EXECUTION_ID": f"golden-{case}",
            "FLYTE_INTERNAL_EXECUTION_PROJECT": PROJECT,
            "FLYTE_INTERNAL_EXECUTION_DOMAIN": DOMAIN,
            "FLYTE_ATTEMPT_NUMBER": "0",
            "FLYTE_INTERNAL_TASK_PROJECT": PROJECT,
            "FLYTE_INTERNAL_TASK_DOMAIN": DOMAIN,
            "FLYTE_INTERNAL_TASK_NAME": f"prod.{attr}",
            "FLYTE_INTERNAL_TASK_VERSION": VERSION,
        }
    )
    env.update(template_env)
    env.update(extra_env or {})
    proc = subprocess.run(
        argv, cwd=os.path.join(exec_root, "code"), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    if proc.returncode != 0 or os.path.exists(os.path.join(case_dir, "out", "error.pb")):
        sys.stderr.write(proc.stdout.decode(errors="replace"))
        sys.exit(f"generate.py: pyflyte-execute failed for case {case} (rc={proc.returncode})")

    files = []
    for root, _, names in os.walk(case_dir):
        for n in names:
            p = os.path.join(root, n)
            files.append((os.path.relpath(p, case_dir), os.path.getsize(p)))
    lines = [
        f"# pyflyte-execute run for prod.{attr} (case {case}); rc={proc.returncode}",
        "# argv: " + " ".join(argv),
        f"# extra env: {json.dumps(extra_env or {})}; TaskTemplate env keys: {list(template_env)}",
        f"# files under {case_dir} (relative path<TAB>bytes); random hex directory names differ on every run",
    ] + [f"{rel}\t{size}" for rel, size in sorted(files)]
    fname = f"exec_{case}_files.txt"
    out.raw(fname, ("\n".join(lines) + "\n").encode(), "text", DESCRIPTIONS[fname])
    return case_dir


def read_msg(path, cls):
    msg = cls()
    with open(path, "rb") as fh:
        msg.ParseFromString(fh.read())
    return msg


def gen_exec(out, prod, exec_root, keep):
    created = not os.path.exists(exec_root)
    code = os.path.join(exec_root, "code")
    shutil.rmtree(code, ignore_errors=True)
    os.makedirs(code)
    shutil.copy(os.path.join(HERE, "prod.py"), code)
    try:
        run_cases(out, prod, exec_root)
    finally:
        if not keep:
            shutil.rmtree(code, ignore_errors=True)
            shutil.rmtree(os.path.join(exec_root, "exec"), ignore_errors=True)
            if created:
                shutil.rmtree(exec_root, ignore_errors=True)


def run_cases(out, prod, exec_root):

    d = run_case(out, prod, exec_root, "dynamic", "d_fanout", int_inputs(n=3))
    futures = read_msg(os.path.join(d, "out", "futures.pb"), dynamic_job_pb2.DynamicJobSpec)
    if CANONICAL_UPSTREAM:
        canonical_workflow_upstream(futures)
    out.msg("exec_dynamic_futures", futures, DESCRIPTIONS["exec_dynamic_futures"])
    # INDEX lists inputs, outputs (futures), files.txt: move the row just written before files.txt
    out.rows[-3:] = [out.rows[-3], out.rows[-1], out.rows[-2]]

    for case, attr in (("sd", "sd_make"), ("df", "df_make")):
        d = run_case(out, prod, exec_root, case, attr, int_inputs(n=4))
        outputs = read_msg(os.path.join(d, "out", "outputs.pb"), literals_pb2.LiteralMap)
        out.msg(f"exec_{case}_outputs", outputs, DESCRIPTIONS[f"exec_{case}_outputs"])
        out.rows[-3:] = [out.rows[-3], out.rows[-1], out.rows[-2]]

    def write_csv(case_dir):
        with open(os.path.join(case_dir, "in.csv"), "w") as fh:
            fh.write("a,b\n1,2\n")

    files_dir = os.path.join(exec_root, "exec", "files")
    d = run_case(out, prod, exec_root, "files", "t_files", csv_file_inputs(f"{files_dir}/in.csv"), prepare=write_csv)
    outputs = read_msg(os.path.join(d, "out", "outputs.pb"), literals_pb2.LiteralMap)
    out.msg("exec_files_outputs", outputs, DESCRIPTIONS["exec_files_outputs"])
    out.rows[-3:] = [out.rows[-3], out.rows[-1], out.rows[-2]]

    run_case(out, prod, exec_root, "deck", "t_deck", int_inputs(x=7))
    run_case(out, prod, exec_root, "nodeck", "add_one", int_inputs(x=7))

    d = run_case(out, prod, exec_root, "offload", "t_big_list", int_inputs(n=110000), {"_F_L_MIN_SIZE_MB": "1"})
    outputs = read_msg(os.path.join(d, "out", "outputs.pb"), literals_pb2.LiteralMap)
    out.msg("exec_offload_outputs", outputs, DESCRIPTIONS["exec_offload_outputs"])
    out.rows[-3:] = [out.rows[-3], out.rows[-1], out.rows[-2]]
    with open(os.path.join(d, "out", "o0_offloaded_metadata.pb"), "rb") as fh:
        side = fh.read()
    name = "exec_offload_o0_offloaded_metadata"
    out.raw(name + ".pb", side, "flyteidl.core.Literal", DESCRIPTIONS[name], index_name=name)  # byte-for-byte copy
    lit = literals_pb2.Literal()
    lit.ParseFromString(side)
    items = lit.collection.literals
    summary = {
        "message_type": "flyteidl.core.Literal",
        "bytes": len(side),
        "reserialized_deterministic_equal": lit.SerializeToString(deterministic=True) == side,
        "collection_len": len(items),
        "first_3": [to_dict(x) for x in items[:3]],
        "last": to_dict(items[-1]),
        "top_level_fields_set": [f.name for f, _ in lit.ListFields()],
    }
    fname = name + ".summary.json"
    out.raw(fname, (json.dumps(summary, indent=2) + "\n").encode(), "json summary", DESCRIPTIONS[fname])


# ----------------------------------------------------------------------------------------------------------------------
# pyflyte_package/: `pyflyte --pkgs seed_sensor package`, unpacked

PACKAGE_TYPES = {"1": task_pb2.TaskSpec, "2": workflow_pb2.WorkflowSpec, "3": launch_plan_pb2.LaunchPlan}


def gen_package(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(src)
        shutil.copy(os.path.join(HERE, "seed_sensor.py"), src)
        pyflyte = os.path.join(os.path.dirname(sys.executable), "pyflyte")
        tgz = os.path.join(tmp, "flyte-package.tgz")
        env = dict(os.environ, PYTHONPATH=src)
        subprocess.run(
            [pyflyte, "--pkgs", "seed_sensor", "package", "--image", IMAGE, "--output", tgz],
            cwd=src,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with tarfile.open(tgz) as tar:
            for member in tar.getmembers():
                data = tar.extractfile(member).read()
                with open(os.path.join(out_dir, member.name), "wb") as fh:
                    fh.write(data)  # as pyflyte wrote it
                m = re.fullmatch(r"(.*)_([123])\.pb", member.name)
                msg = PACKAGE_TYPES[m.group(2)]()
                msg.ParseFromString(data)
                with open(os.path.join(out_dir, m.group(1) + f"_{m.group(2)}.json"), "w") as fh:
                    fh.write(to_json(msg))


# ----------------------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=HERE, help="output folder (default: this folder, tests/golden)")
    parser.add_argument(
        "--only", default="top,production,exec,package", help="comma-separated parts: top,production,exec,package"
    )
    parser.add_argument("--exec-root", default="/flyte-golden", help="synthetic root of the exec_* runs")
    parser.add_argument("--keep-exec", action="store_true", help="keep the exec_* run folders under --exec-root")
    parser.add_argument(
        "--random-seed",
        type=int,
        default=0,
        help="seed for flytekit's Random (types_* raw dir names); -1 leaves it unseeded",
    )
    parser.add_argument(
        "--keep-upstream-order",
        action="store_true",
        help="keep flytekit's run-dependent upstreamNodeIds order instead of putting it in node (call) order",
    )
    args = parser.parse_args()
    global CANONICAL_UPSTREAM
    CANONICAL_UPSTREAM = not args.keep_upstream_order
    parts = set(args.only.split(","))
    out = os.path.abspath(args.out)
    if "top" in parts:
        gen_top(out, None if args.random_seed < 0 else args.random_seed)
    if "production" in parts or "exec" in parts:
        if "production" not in parts:
            sys.exit("generate.py: 'exec' is part of production/ (its INDEX.txt): use --only production,exec")
        gen_production(os.path.join(out, "production"), args.exec_root, "exec" in parts, args.keep_exec)
    if "package" in parts:
        gen_package(os.path.join(out, "pyflyte_package"))
    print(f"goldens written to {out}")


if __name__ == "__main__":
    main()
