"""flytekit's own FlyteRemote (1.16.31) registering and launching the Python twin of
tests/remote/main.rs's `echo_wf` against the stand-in flyteadmin, whose recorded requests
are then the reference for ours. Usage: flytekit_remote.py PORT [operate]; with
`operate`, the execution is launched with every execution option pyflyte's
`run --remote` takes, then listed, its signals listed, and terminated.
"""
import sys

from flytekit import task, workflow
from flytekit.configuration import Config, Image, ImageConfig, SerializationSettings
from flytekit.remote import FlyteRemote


@task
def echo(path: str) -> str:
    return path


@workflow
def echo_wf(path: str) -> str:
    return echo(path=path)


def main():
    port = sys.argv[1]
    remote = FlyteRemote(
        Config.for_endpoint(f"127.0.0.1:{port}", insecure=True),
        default_project="flytesnacks",
        default_domain="development",
    )
    settings = SerializationSettings(
        image_config=ImageConfig(default_image=Image(name="default", fqn="ghcr.io/acme/app", tag="1")),
        project="flytesnacks",
        domain="development",
        version="v1",
    )
    registered = remote.register_workflow(echo_wf, serialization_settings=settings, version="v1")
    if sys.argv[2:] != ["operate"]:
        execution = remote.execute(
            registered, inputs={"path": "s3://b/x.csv"}, project="flytesnacks", domain="development", version="v1"
        )
        print("launched", execution.id.name)
        return
    from flytekit.core.options import Options
    from flytekit.models.common import Annotations, Labels, RawOutputDataConfig
    from flytekit.models.security import Identity, SecurityContext

    options = Options(
        labels=Labels({"team": "ml"}),
        annotations=Annotations({"acme.io/owner": "data"}),
        raw_output_data_config=RawOutputDataConfig("s3://b/raw"),
        security_context=SecurityContext(run_as=Identity(k8s_service_account="etl")),
        max_parallelism=4,
    )
    execution = remote.execute(
        registered,
        inputs={"path": "s3://b/x.csv"},
        execution_name="nightly-1",
        options=options,
        overwrite_cache=True,
        envs={"MODE": "fast"},
        tags=["nightly"],
        cluster_pool="gpu",
        project="flytesnacks",
        domain="development",
        version="v1",
    )
    remote.recent_executions(limit=10)
    remote.list_signals(execution.id.name)
    remote.terminate(execution, "wrong data")
    print("launched", execution.id.name)


if __name__ == "__main__":
    main()
