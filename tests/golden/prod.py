"""Module `prod`: the Python behind the production/ goldens (flytekit 1.16.31), as quoted in production/README.md.

Entity names read `prod.<attr>`, and the container args of every task end in `task-module prod task-name <attr>`, so
this file must be importable as the top-level module `prod` (generate.py puts its folder on sys.path, and copies it
to <exec root>/code for the pyflyte-execute runs).
"""

import datetime
import functools
import os
import typing
from datetime import timedelta
from typing import List, Optional, Tuple

import pandas as pd
from kubernetes.client import V1PodSpec, V1Toleration
from typing_extensions import Annotated

from flytekit import (
    ContainerTask,
    Cache,
    ConcurrencyLimitBehavior,
    ConcurrencyPolicy,
    CronSchedule,
    Email,
    FixedRate,
    LaunchPlan,
    PagerDuty,
    PodTemplate,
    Resources,
    Secret,
    Slack,
    WorkflowExecutionPhase,
    WorkflowFailurePolicy,
    approve,
    current_context,
    dynamic,
    kwtypes,
    map_task,
    reference_launch_plan,
    reference_task,
    sleep,
    task,
    wait_for_input,
    workflow,
)
from flytekit.core.options import Options
from flytekit.extras.accelerators import A100
from flytekit.models.common import Annotations, AuthRole, Labels, RawOutputDataConfig
from flytekit.models.security import Identity, SecurityContext
from flytekit.types.directory import FlyteDirectory
from flytekit.types.error import FlyteError
from flytekit.types.file import FlyteFile
from flytekit.types.structured import StructuredDataset

# ---------------------------------------------------------------------------------------------------------------------
# Tasks: resources and accelerators


@task(
    requests=Resources(cpu="500m", mem="2Gi"),
    limits=Resources(cpu="1", mem="4Gi", gpu="1", ephemeral_storage="10Gi"),
)
def t_resources(x: int) -> int:
    return x


@task(resources=Resources(cpu=("1", "2"), mem="1Gi"))
def t_resources_tuple(x: int) -> int:
    return x


@task(accelerator=A100, shared_memory=True)
def t_accel_a100(x: int) -> int:
    return x


@task(accelerator=A100.partition_2g_10gb, shared_memory="2Gi")
def t_accel_mig(x: int) -> int:
    return x


@task(accelerator=A100.unpartitioned)
def t_accel_unpartitioned(x: int) -> int:
    return x


# ---------------------------------------------------------------------------------------------------------------------
# Tasks: environment, secrets, images, pod templates


@task(environment={"RUST_LOG": "info", "REGION": "eu"})
def t_env(x: int) -> int:
    return x


@task(
    secret_requests=[
        Secret(group="db", key="password", mount_requirement=Secret.MountType.ENV_VAR, env_var="DB_PASSWORD"),
        Secret(group="tls", key="cert", mount_requirement=Secret.MountType.FILE),
        Secret(group="api", key="token", group_version="v2"),
    ]
)
def t_secrets(x: int) -> int:
    return x


@task(container_image="ghcr.io/acme/gpu:1.2")
def t_image_literal(x: int) -> int:
    return x


@task(container_image="{{.image.gpu.fqn}}:{{.image.gpu.version}}")
def t_image_named(x: int) -> int:
    return x


@task(
    pod_template=PodTemplate(
        primary_container_name="primary",
        labels={"team": "ml"},
        annotations={"acme.io/owner": "ml-platform"},
        pod_spec=V1PodSpec(
            containers=[],
            tolerations=[V1Toleration(key="nvidia.com/gpu", operator="Exists", effect="NoSchedule")],
            node_selector={"acme.io/pool": "gpu"},
        ),
    )
)
def t_pod_template(x: int) -> int:
    return x


@task(pod_template_name="gpu-nodes")
def t_pod_template_name(x: int) -> int:
    return x


# A step that is not Python: an image's command, with the copilot loading its data.
t_container = ContainerTask(
    name="ellipse-area",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(a=float, b=float, notes=FlyteFile),
    outputs=kwtypes(area=float, metadata=str),
    image="ghcr.io/flyteorg/rawcontainers-shell:v2",
    command=["./calculate-ellipse-area.sh", "{{.inputs.a}}", "{{.inputs.b}}", "/var/outputs"],
    arguments=["--notes", "/var/inputs/notes"],
    metadata_format=ContainerTask.MetadataFormat.PROTO,
    requests=Resources(cpu="1", mem="1Gi"),
    environment={"MODE": "fast"},
)


# ---------------------------------------------------------------------------------------------------------------------
# Tasks: caching and metadata


@task(cache=True, cache_version="1", cache_ignore_input_vars=["log_level"])
def t_cache(x: int, log_level: str) -> int:
    return x


@task(cache=True, cache_version="1", cache_serialize=True)
def t_cache_serialize(x: int) -> int:
    return x


@task(cache=Cache(version="2", serialize=True, ignored_inputs=("log_level",)))
def t_cache_obj(x: int, log_level: str) -> int:
    return x


@task(interruptible=True)
def t_interruptible(x: int) -> int:
    return x


@task(deprecated="use v2")
def t_deprecated(x: int) -> int:
    return x


@task(timeout=timedelta(minutes=30), retries=3)
def t_timeout_retries(x: int) -> int:
    return x


@task(labels={"team": "ml"}, annotations={"acme.io/owner": "ml-platform"})
def t_labels(x: int) -> int:
    return x


@task(enable_deck=True)
def t_deck(x: int) -> int:
    return x


# ---------------------------------------------------------------------------------------------------------------------
# Tasks: data types and @dynamic

AbCols = Annotated[StructuredDataset, kwtypes(a=int, b=str)]
CsvFile = FlyteFile[typing.TypeVar("csv")]


@task
def square(x: int) -> int:
    return x * x


@task
def total(xs: List[int]) -> int:
    return sum(xs)


@task
def t_files(f: CsvFile) -> Tuple[CsvFile, FlyteDirectory]:
    wd = current_context().working_directory
    out_csv = os.path.join(wd, "copy.csv")
    with open(f) as src, open(out_csv, "w") as dst:
        dst.write(src.read())
    out_dir = os.path.join(wd, "outdir")
    os.makedirs(os.path.join(out_dir, "sub"))
    for rel in ("a.txt", "sub/b.txt"):
        with open(os.path.join(out_dir, rel), "w") as fh:
            fh.write(rel + "\n")
    return CsvFile(out_csv), FlyteDirectory(out_dir)


@dynamic
def d_fanout(n: int) -> int:
    sq = [square(x=i) for i in range(n)]
    return total(xs=sq)


@task
def t_sd(sd: AbCols) -> AbCols:
    return StructuredDataset(dataframe=sd.open(pd.DataFrame).all())


@task
def t_df(df: pd.DataFrame) -> pd.DataFrame:
    return df


@task
def t_big_list(n: int) -> List[int]:
    return list(range(n))


@task
def sd_make(n: int) -> AbCols:
    return StructuredDataset(dataframe=pd.DataFrame({"a": list(range(n)), "b": [f"r{i}" for i in range(n)]}))


@task
def df_make(n: int) -> pd.DataFrame:
    return pd.DataFrame({"a": list(range(n)), "b": [f"r{i}" for i in range(n)]})


# ---------------------------------------------------------------------------------------------------------------------
# Workflows: node overrides


@task
def add_one(x: int) -> int:
    return x + 1


@workflow
def wf_overrides(x: int) -> int:
    return add_one(x=x).with_overrides(
        requests=Resources(cpu="2", mem="1Gi"),
        limits=Resources(cpu="4", mem="2Gi"),
        container_image="ghcr.io/acme/override:3",
        name="custom-name",
        timeout=timedelta(minutes=5),
        retries=2,
        interruptible=True,
        cache=Cache(version="3", serialize=True),
    )


@workflow
def wf_overrides_node(x: int) -> int:
    return add_one(x=x).with_overrides(
        node_name="Second_Node",  # dnsified -> "second-node"
        accelerator=A100.partition_1g_5gb,
        shared_memory="1Gi",
        pod_template=PodTemplate(
            primary_container_name="main",
            labels={"override": "yes"},
            pod_spec=V1PodSpec(containers=[], node_selector={"acme.io/pool": "spot"}),
        ),
    )


# ---------------------------------------------------------------------------------------------------------------------
# Workflows: ordering, failure node, interruptible, gates


@task
def t_noop_a() -> None:
    print("a")


@task
def t_noop_b() -> None:
    print("b")


@task
def cleanup(x: int, err: Optional[FlyteError] = None) -> None:
    print("cleanup", x, err)


@task
def fail_maybe(x: int) -> int:
    if x < 0:
        raise ValueError("negative")
    return x


@task
def deploy(x: int, ok: bool) -> int:
    return x if ok else -1


@workflow
def wf_ordering():
    t_noop_a() >> t_noop_b()


@workflow(failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE, on_failure=cleanup)
def wf_failure(x: int) -> int:
    return fail_maybe(x=x)


@workflow(interruptible=True)
def wf_interruptible(x: int) -> int:
    return add_one(x=x)


@workflow
def wf_gates(x: int) -> int:
    s = sleep(timedelta(minutes=10))
    ok = wait_for_input("approve-deploy", timeout=timedelta(hours=1), expected_type=bool)
    y = add_one(x=x)
    s >> y
    z = approve(y, "release", timeout=timedelta(hours=2))
    return deploy(x=z, ok=ok)


# ---------------------------------------------------------------------------------------------------------------------
# Workflows: launch-plan, sub-workflow and reference nodes


@workflow
def sub_wf(x: int) -> int:
    return add_one(x=x)


sub_lp = LaunchPlan.get_or_create(sub_wf, name="prod.sub_lp", default_inputs={"x": 3})


@reference_task(project="shared", domain="production", name="acme.tasks.score", version="v7")
def ref_score(x: int) -> float: ...


@reference_launch_plan(project="shared", domain="production", name="acme.lp.nightly", version="v3")
def ref_nightly(day: str) -> int: ...


@workflow
def wf_lp_node(x: int) -> Tuple[int, int]:
    a = sub_lp(x=x)
    b = sub_wf(x=x)
    return a, b


@workflow
def wf_reference(x: int) -> Tuple[float, int]:
    s = ref_score(x=x)
    n = ref_nightly(day="mon")
    return s, n


# ---------------------------------------------------------------------------------------------------------------------
# Workflows: map tasks (ArrayNode)


@task
def scale(x: int, factor: int) -> int:
    return x * factor


@task
def pair(a: int, b: str) -> str:
    return f"{b}{a}"


@workflow
def wf_map_partial(xs: List[int]) -> List[int]:
    return map_task(functools.partial(scale, factor=10))(x=xs)


@workflow
def wf_map_two_lists(a: List[int], b: List[str]) -> List[str]:
    return map_task(pair)(a=a, b=b)


@workflow
def wf_map_min_successes(xs: List[int]) -> List[int]:
    return map_task(add_one, concurrency=2, min_successes=2)(x=xs)


@workflow
def wf_map_min_ratio(xs: List[int]) -> List[Optional[int]]:
    return map_task(add_one, concurrency=4, min_success_ratio=0.75)(x=xs)


@workflow
def wf_map_lp(xs: List[int]) -> List[int]:
    return map_task(sub_lp, concurrency=2)(x=xs)


# ---------------------------------------------------------------------------------------------------------------------
# Launch plans: schedules


@task
def report(run_at: datetime.datetime, x: int) -> str:
    return f"{run_at.isoformat()} {x}"


@workflow
def wf_sched(run_at: datetime.datetime, x: int = 1) -> str:
    return report(run_at=run_at, x=x)


@workflow
def wf_tick(x: int = 1) -> int:
    return add_one(x=x)


lp_cron = LaunchPlan.get_or_create(
    wf_sched, name="prod.lp_cron", schedule=CronSchedule(schedule="0 5 * * *", kickoff_time_input_arg="run_at")
)
lp_cron_offset = LaunchPlan.get_or_create(
    wf_sched,
    name="prod.lp_cron_offset",
    schedule=CronSchedule(schedule="0 5 * * *", offset="PT30M", kickoff_time_input_arg="run_at"),
)
lp_cron_alias = LaunchPlan.get_or_create(
    wf_sched, name="prod.lp_cron_alias", schedule=CronSchedule(schedule="@daily", kickoff_time_input_arg="run_at")
)
lp_fixed_rate = LaunchPlan.get_or_create(
    wf_tick, name="prod.lp_fixed_rate", schedule=FixedRate(duration=timedelta(hours=6))
)
lp_fixed_rate_minutes = LaunchPlan.get_or_create(
    wf_sched,
    name="prod.lp_fixed_rate_minutes",
    schedule=FixedRate(duration=timedelta(minutes=90), kickoff_time_input_arg="run_at"),
)
lp_auto_activate = LaunchPlan.get_or_create(
    wf_tick, name="prod.lp_auto_activate", schedule=FixedRate(duration=timedelta(days=1)), auto_activate=True
)

# ---------------------------------------------------------------------------------------------------------------------
# Launch plans: other settings; named and default launch plans


@workflow(default_options=Options(labels=Labels({"team": "ml"}), annotations=Annotations({"acme.io/owner": "ml"})))
def wf_default_opts(x: int = 1) -> int:
    return add_one(x=x)


lp_notify = LaunchPlan.get_or_create(
    wf_tick,
    name="prod.lp_notify",
    notifications=[
        Email(
            phases=[WorkflowExecutionPhase.FAILED, WorkflowExecutionPhase.TIMED_OUT],
            recipients_email=["oncall@acme.io", "ml@acme.io"],
        ),
        Slack(phases=[WorkflowExecutionPhase.SUCCEEDED], recipients_email=["ml-alerts@acme.slack.com"]),
        PagerDuty(phases=[WorkflowExecutionPhase.FAILED], recipients_email=["ml-svc@acme.pagerduty.com"]),
    ],
)

lp_options = LaunchPlan.get_or_create(
    wf_tick,
    name="prod.lp_options",
    labels=Labels({"team": "ml", "env": "prod"}),
    annotations=Annotations({"acme.io/owner": "ml-platform"}),
    max_parallelism=8,
    raw_output_data_config=RawOutputDataConfig(output_location_prefix="s3://acme-bucket/raw"),
    security_context=SecurityContext(
        run_as=Identity(iam_role="arn:aws:iam::123456789012:role/ml", k8s_service_account="ml-runner")
    ),
    overwrite_cache=True,
)

lp_inputs = LaunchPlan.get_or_create(
    wf_sched,
    name="prod.lp_inputs",
    default_inputs={"x": 5},
    fixed_inputs={"run_at": datetime.datetime(2024, 1, 2, 3, 4, 5)},
)

lp_auth_role = LaunchPlan.get_or_create(
    wf_tick,
    name="prod.lp_auth_role",
    auth_role=AuthRole(
        assumable_iam_role="arn:aws:iam::123456789012:role/legacy", kubernetes_service_account="legacy-sa"
    ),
)

lp_concurrency = LaunchPlan.get_or_create(
    wf_tick,
    name="prod.lp_concurrency",
    concurrency=ConcurrencyPolicy(max_concurrency=1, behavior=ConcurrencyLimitBehavior.SKIP),
)
