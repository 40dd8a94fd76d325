"""The seed tutorial (flytekit's tutorial "How to write your own flytekit task
plugins?"), ported to flytekit 1.16.31. Source of the seed_* goldens and of pyflyte_package/.

Port notes: `flytekit.annotated.*` became `flytekit.core.*`, `FlyteContext.current_context()` became
`FlyteContextManager.current_context()`, and `sleep(poll_interval.seconds)` became `total_seconds()`. Nothing else
changed: the task, the workflow and their names are the tutorial's.

Keep this module to exactly these three entities (the sensor, print_file, my_workflow): `pyflyte package` serializes
every entity it finds here, and pyflyte_package/ holds exactly 4 files (+ the default launch plan).
"""

import typing
from datetime import timedelta
from time import sleep

from flytekit import task, workflow
from flytekit.core.base_task import PythonTask, TaskMetadata
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.interface import Interface


class WaitForObjectStoreFile(PythonTask):
    """
    Add documentation here for your Plugin.
    This plugin creates an object store file sensor, that waits and exits only when the file exists.
    """

    _VAR_NAME: str = "path"

    def __init__(
        self,
        name: str,
        poll_interval: timedelta = timedelta(seconds=10),
        **kwargs,
    ):
        super(WaitForObjectStoreFile, self).__init__(
            task_type="object-store-sensor",
            name=name,
            task_config=None,
            interface=Interface(inputs={self._VAR_NAME: str}, outputs={self._VAR_NAME: str}),
            **kwargs,
        )
        self._poll_interval = poll_interval

    def execute(self, **kwargs) -> typing.Any:
        # No need to check for existence, as that is guaranteed
        path = kwargs[self._VAR_NAME]
        ctx = FlyteContextManager.current_context()
        user_context = ctx.user_space_params
        while True:
            user_context.logging.info(f"Sensing file in path {path}...")
            if ctx.file_access.exists(path):
                user_context.logging.info(f"file in path {path} exists!")
                return path
            user_context.logging.warning(f"file in path {path} does not exists!")
            sleep(self._poll_interval.total_seconds())


sensor = WaitForObjectStoreFile(
    name="my-objectstore-sensor",
    metadata=TaskMetadata(retries=10, timeout=timedelta(minutes=20)),
    poll_interval=timedelta(seconds=1),
)


@task
def print_file(path: str) -> str:
    print(path)
    return path


@workflow
def my_workflow(path: str) -> str:
    return print_file(path=sensor(path=path))


if __name__ == "__main__":
    f = "/tmp/some-file"
    with open(f, "w") as w:
        w.write("Hello World!")

    print(my_workflow(path=f))
