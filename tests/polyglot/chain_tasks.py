"""Python tasks of the chain in tests/polyglot.rs, run by flytekit's own
`pyflyte-execute` as a Flyte cluster runs them: a Python task's outputs feed a Rust
task, whose outputs feed another Python task."""

import typing

import pandas as pd
from flytekit import task


@task
def make_frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"a": list(range(n)), "b": [f"r{i}" for i in range(n)]})


@task
def big_list(n: int) -> typing.List[int]:
    return list(range(n))


@task
def check(df: pd.DataFrame, total: int) -> str:
    return f"a={list(df['a'])} b={list(df['b'])} c={list(df['c'])} total={total}"


@task
def check_total(total: int) -> str:
    """The last link on the S3 server, where flytekit cannot read any dataframe
    folder back: s3s-fs answers HeadObject on a folder with 500 (not 404), which
    fails flytekit's reader on its own dataframes there as well."""
    return f"total={total}"
