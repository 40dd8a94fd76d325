"""One task and one workflow using many flytekit types: the source of the top-level types_* goldens.

Imported as `golden_types` (the module name is part of the entity names: golden_types.types_task,
golden_types.types_wf). VALUES/TYPES are the values the types_* goldens convert (types_summary.json,
types_inputs_literalmap, and the workflow defaults that end up in types_launchplan).
"""

import atexit
import datetime
import enum
import os
import shutil
import tempfile
import typing
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

from flytekit import task, workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


@dataclass
class Point:
    x: int
    y: float
    label: str = "p"
    tags: List[str] = field(default_factory=list)


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


# Local inputs for the FlyteFile / FlyteDirectory values: converting them to literals uploads them under the local
# sandbox's raw prefix, at <flytekit tmp dir>/raw/<random 32 hex>[/golden_input.txt]; generate.py writes that tmp dir
# as "<local-sandbox>".
_LOCAL = tempfile.mkdtemp(prefix="golden-types-")
atexit.register(shutil.rmtree, _LOCAL, True)
GOLDEN_FILE = os.path.join(_LOCAL, "golden_input.txt")
GOLDEN_DIR = os.path.join(_LOCAL, "golden_dir")
with open(GOLDEN_FILE, "w") as _fh:
    _fh.write("golden input\n")
os.makedirs(GOLDEN_DIR, exist_ok=True)
with open(os.path.join(GOLDEN_DIR, "a.txt"), "w") as _fh:
    _fh.write("a\n")

# name -> Python type, in the order of types_summary.json
TYPES: Dict[str, typing.Any] = {
    "i": int,
    "f": float,
    "s": str,
    "b": bool,
    "li": List[int],
    "d": Dict[str, int],
    "oi": Optional[int],
    "dc": Point,
    "ff": FlyteFile,
    "dt": datetime.datetime,
    "td": datetime.timedelta,
    "e": Color,
    "fd": FlyteDirectory,
    "u": Union[int, str],
    "nested": List[Dict[str, List[float]]],
}

VALUES: Dict[str, typing.Any] = {
    "i": 1,
    "f": 2.5,
    "s": "hello",
    "b": True,
    "li": [1, 2, 3],
    "d": {"a": 1},
    "oi": None,
    "dc": Point(x=1, y=2.0, label="p", tags=["t"]),
    "ff": FlyteFile(GOLDEN_FILE),
    "dt": datetime.datetime(2024, 1, 2, 3, 4, 5),
    "td": datetime.timedelta(seconds=90),
    "e": Color.GREEN,
    "fd": FlyteDirectory(GOLDEN_DIR),
    "u": 7,
    "nested": [{"k": [1.0, 2.0]}],
}


@task
def types_task(
    i: int,
    f: float,
    s: str,
    b: bool,
    li: List[int],
    d: Dict[str, int],
    oi: Optional[int],
    dc: Point,
    ff: FlyteFile,
    dt: datetime.datetime,
    td: datetime.timedelta,
    e: Color,
    fd: FlyteDirectory,
    u: Union[int, str],
    nested: List[Dict[str, List[float]]],
) -> Tuple[int, Point, List[int]]:
    return i + len(li), dc, li


@workflow
def types_wf(
    i: int = 1,
    f: float = 2.5,
    s: str = "hello",
    b: bool = True,
    li: List[int] = [1, 2, 3],
    d: Dict[str, int] = {"a": 1},
    oi: Optional[int] = None,
    dc: Point = Point(x=1, y=2.0, label="p", tags=["t"]),
    ff: FlyteFile = FlyteFile(GOLDEN_FILE),
    dt: datetime.datetime = datetime.datetime(2024, 1, 2, 3, 4, 5),
    td: datetime.timedelta = datetime.timedelta(seconds=90),
    e: Color = Color.GREEN,
    fd: FlyteDirectory = FlyteDirectory(GOLDEN_DIR),
    u: Union[int, str] = 7,
    nested: List[Dict[str, List[float]]] = [{"k": [1.0, 2.0]}],
) -> int:
    n, _, _ = types_task(
        i=i, f=f, s=s, b=b, li=li, d=d, oi=oi, dc=dc, ff=ff, dt=dt, td=td, e=e, fd=fd, u=u, nested=nested
    )
    return n
