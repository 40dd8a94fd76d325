"""flytekit's side of tests/polyglot.rs: flytekit 1.16.31 writes each case's input as
it would for a Python task, and reads back what our `execute` wrote, with its own
TypeEngine; it also compares the Flyte type we declare with the one flytekit declares
for the same Python type.

    python flytekit_values.py cases ROOT   # the case names, as JSON
    python flytekit_values.py write ROOT   # ROOT/CASE/inputs.pb: {"x": value}, and
                                           # ROOT/CASE/offloaded/inputs.pb: the same
                                           # value offloaded (as propeller hands on a
                                           # large output) to x_offloaded_metadata.pb
    python flytekit_values.py check ROOT   # ROOT/CASE/out/outputs.pb o0 == value;
                                           # ROOT/CASE/offloaded/out/outputs.pb too,
                                           # offloaded with flytekit's hash; and
                                           # ROOT/CASE/type.pb (our type) == flytekit's;
                                           # an output whose type has a HashMethod
                                           # carries the hash flytekit computes

`check` prints {"values": {case: problem}, "types": {case: difference}} as JSON.
"""

import dataclasses
import datetime
import enum
import hashlib
import json
import pathlib
import sys
import typing

import pandas as pd
from flyteidl.core import literals_pb2, types_pb2
from flytekit import HashMethod, StructuredDataset, kwtypes
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile
from flytekit.utils.pbhash import compute_hash_string
from google.protobuf import json_format


@dataclasses.dataclass
class Point:
    x: int
    y: float
    label: str
    tags: typing.List[str]


class Color(enum.Enum):
    red = "red"
    green = "green"


@dataclasses.dataclass
class WithBytes:
    raw: bytes


@dataclasses.dataclass
class Rich:
    when: datetime.datetime
    took: datetime.timedelta
    weights: typing.Dict[str, float]
    color: Color
    note: typing.Optional[str]
    nested: Point


@dataclasses.dataclass
class Dated:
    day: datetime.date
    note: str


UTC = datetime.timezone.utc
AbCols = typing.Annotated[StructuredDataset, kwtypes(a=int, b=str)]
FRAME = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "zé"]})
# Files flytekit uploads as a Python task's outputs would be: made under this folder.
FILES = pathlib.Path(sys.argv[2]) / "_files" if len(sys.argv) > 2 else pathlib.Path(".")


def a_file() -> FlyteFile:
    FILES.mkdir(parents=True, exist_ok=True)
    (FILES / "report.txt").write_text("a file from Python\n")
    return FlyteFile(str(FILES / "report.txt"))


CsvFile = FlyteFile[typing.TypeVar("csv")]


def a_csv_file() -> FlyteFile:
    FILES.mkdir(parents=True, exist_ok=True)
    (FILES / "table.csv").write_text("a,b\n1,x\n")
    return CsvFile(str(FILES / "table.csv"))


def a_directory() -> FlyteDirectory:
    (FILES / "dir" / "sub").mkdir(parents=True, exist_ok=True)
    (FILES / "dir" / "a.txt").write_text("a")
    (FILES / "dir" / "sub" / "b.txt").write_text("b")
    return FlyteDirectory(str(FILES / "dir"))
POINT = Point(x=3, y=2.5, label="p", tags=["a", "b"])


# The HashMethods our content hashes equal (flyte-core/src/types/content_hash.rs): a
# file's is `sha256sum`'s; a directory's is that of its `sha256sum` listing.
def sha256_file(f: FlyteFile) -> str:
    return hashlib.sha256(pathlib.Path(f.path).read_bytes()).hexdigest()


def sha256_dir(d: FlyteDirectory) -> str:
    root = pathlib.Path(d.path)
    files = sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: p.relative_to(root).as_posix().encode())
    listing = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}\n" for p in files)
    return hashlib.sha256(listing.encode()).hexdigest()


HashedFile = typing.Annotated[FlyteFile, HashMethod(sha256_file)]
HashedDir = typing.Annotated[FlyteDirectory, HashMethod(sha256_dir)]
# A hash of a frame's values, as flytekit's docs hash a pandas frame.
HashedSd = typing.Annotated[
    StructuredDataset,
    kwtypes(a=int, b=str),
    HashMethod(lambda sd: str(pd.util.hash_pandas_object(sd.dataframe).sum())),
]

CASES = {
    "int": (int, -42),
    "float": (float, 2.5),
    "str": (str, "héllo wörld"),
    "bool": (bool, True),
    "datetime": (datetime.datetime, datetime.datetime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=UTC)),
    "timedelta": (datetime.timedelta, datetime.timedelta(seconds=90, microseconds=5)),
    "list_int": (typing.List[int], [1, 2, 3]),
    "big_list": (typing.List[int], list(range(-50_000, 50_000, 7))),
    "floats": (typing.List[float], [0.1, 1e-05, 1e16, -2.5e-07, 1.7976931348623157e308, 123456.789, -0.0]),
    "strs": (typing.List[str], ["", "tab\tquote\"", "é😀\x7f", "\\back"]),
    "dict_float": (typing.Dict[str, float], {"a": 1.5, "b": -2.0}),
    "nested_list": (typing.List[typing.List[int]], [[1], [], [2, 3]]),
    "opt_int": (typing.Optional[int], 7),
    "opt_int_none": (typing.Optional[int], None),
    "opt_list": (typing.Optional[typing.List[int]], [4, 5]),
    "opt_dict": (typing.Optional[typing.Dict[str, int]], {"k": 1}),
    "point": (Point, POINT),
    # A Python int where the dataclass says float: flytekit writes an integer.
    "point_int_y": (Point, Point(x=1, y=2, label="", tags=[])),
    "opt_point": (typing.Optional[Point], POINT),
    "color": (Color, Color.green),
    "opt_color": (typing.Optional[Color], Color.red),
    "rich": (
        Rich,
        Rich(
            when=datetime.datetime(2024, 5, 6, 7, 8, 9, 250000, tzinfo=UTC),
            took=datetime.timedelta(seconds=1, microseconds=500000),
            weights={"a": 0.5},
            color=Color.green,
            note=None,
            nested=POINT,
        ),
    ),
    "with_bytes": (WithBytes, WithBytes(raw=b"\x00\xffbytes")),
    "file": (FlyteFile, "a_file"),
    "csv_file": (CsvFile, "a_csv_file"),
    "directory": (FlyteDirectory, "a_directory"),
    "dict_any": (dict, {"a": 1, "b": [1.5, "x", True], "c": {"d": None}}),
    # An enum whose variants carry a value, as a Python union.
    "union_float": (typing.Union[float, str, Point], 21.5),
    "union_str": (typing.Union[float, str, Point], "cloudy"),
    "union_point": (typing.Union[float, str, Point], POINT),
    "opt_union": (typing.Optional[typing.Union[float, str, Point]], "x"),
    "date": (datetime.date, datetime.date(2024, 2, 29)),
    "opt_date": (typing.Optional[datetime.date], datetime.date(1999, 12, 31)),
    "dated": (Dated, Dated(day=datetime.date(2024, 1, 2), note="n")),
    # Hashed by flytekit (a HashMethod): the hash crosses with the value.
    "hashed_file": (HashedFile, "a_file"),
    "hashed_dir": (HashedDir, "a_directory"),
    "hashed_sd": (HashedSd, StructuredDataset(dataframe=FRAME)),
    # flytekit pickles `bytes` into a file; our PickledBytes reads and writes that.
    "bytes": (bytes, b"\x00\xffsome bytes"),
    "df": (pd.DataFrame, FRAME),
    "sd": (AbCols, StructuredDataset(dataframe=FRAME)),
    # Written without a hash; our task hashes the content (`hash_outputs`), and the
    # hash must be the one flytekit's HashMethod gives.
    "rehashed_file": (HashedFile, "a_file"),
    "rehashed_dir": (HashedDir, "a_directory"),
}
REHASHED = {"rehashed_file", "rehashed_dir"}


def expected_hash(case) -> typing.Optional[str]:
    """The hash flytekit gives the case's value (its type's HashMethod), if any."""
    ty = CASES[case][0]
    return TypeEngine.calculate_hash(value_of(case), ty)


def value_of(case):
    """A case's value; files and directories are made when asked for."""
    ty, value = CASES[case]
    return {"a_file": a_file, "a_csv_file": a_csv_file, "a_directory": a_directory}.get(value, lambda: value)() if isinstance(value, str) and value.startswith("a_") else value


def tree(d: pathlib.Path) -> dict:
    return {str(p.relative_to(d)): p.read_text() for p in sorted(d.rglob("*")) if p.is_file()}


def same(a, b):
    if isinstance(b, StructuredDataset):
        return same(a.open(pd.DataFrame).all(), b.dataframe)
    if isinstance(b, pd.DataFrame):
        return isinstance(a, pd.DataFrame) and a.reset_index(drop=True).equals(b.reset_index(drop=True))
    if isinstance(b, FlyteFile):
        # The same content, wherever it was put.
        return pathlib.Path(a.download()).read_text() == pathlib.Path(b.path).read_text()
    if isinstance(b, FlyteDirectory):
        return tree(pathlib.Path(a.download())) == tree(pathlib.Path(b.path))
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        # flytekit may hand back a naive UTC datetime.
        norm = lambda d: d if d.tzinfo else d.replace(tzinfo=UTC)  # noqa: E731
        return norm(a) == norm(b)
    return a == b


def write(root: pathlib.Path, case: str) -> None:
    ty, value = CASES[case][0], value_of(case)
    if case in REHASHED:
        ty = typing.get_args(ty)[0]
    ctx = FlyteContextManager.current_context()
    lit = TypeEngine.to_literal(ctx, value, ty, TypeEngine.to_literal_type(ty))
    (root / case).mkdir(parents=True, exist_ok=True)
    (root / case / "inputs.pb").write_bytes(LiteralMap({"x": lit}).to_flyte_idl().SerializeToString())
    # The same value offloaded, as propeller passes on an upstream's offloaded output.
    side = root / case / "offloaded" / "x_offloaded_metadata.pb"
    side.parent.mkdir(parents=True, exist_ok=True)
    lit_pb = lit.to_flyte_idl()
    side.write_bytes(lit_pb.SerializeToString())
    offloaded = literals_pb2.Literal(
        offloaded_metadata=literals_pb2.LiteralOffloadedMetadata(
            uri=str(side), size_bytes=lit_pb.ByteSize(), inferred_type=TypeEngine.to_literal_type(ty).to_flyte_idl()
        ),
        # As flytekit's entrypoint offloads: a literal's own hash, else its pbhash.
        hash=lit_pb.hash or compute_hash_string(lit_pb),
    )
    (side.parent / "inputs.pb").write_bytes(literals_pb2.LiteralMap(literals={"x": offloaded}).SerializeToString())


def read(root: pathlib.Path, case: str) -> typing.Optional[str]:
    """What is wrong with our outputs for `case` (inline and offloaded), if anything."""
    return read_from(root / case / "out", case, offloaded=False) or read_from(
        root / case / "offloaded" / "out", case, offloaded=True
    )


def read_from(out: pathlib.Path, case: str, offloaded: bool) -> typing.Optional[str]:
    ty, value = CASES[case][0], value_of(case)
    ctx = FlyteContextManager.current_context()
    pb = literals_pb2.LiteralMap()
    how = "offloaded" if offloaded else "inline"
    try:
        pb.ParseFromString((out / "outputs.pb").read_bytes())
        if offloaded:
            meta = pb.literals["o0"].offloaded_metadata
            if not meta.uri:
                return "the offloaded output is not offloaded"
            side = literals_pb2.Literal()
            side.ParseFromString(pathlib.Path(meta.uri).read_bytes())
            want = side.hash or compute_hash_string(side)
            if pb.literals["o0"].hash != want:
                return f"our hash {pb.literals['o0'].hash} is not flytekit's {want}"
            if (theirs := expected_hash(case)) is not None and side.hash != theirs:
                return f"the offloaded value's hash {side.hash!r} is not flytekit's {theirs!r}"
            if meta.size_bytes != side.ByteSize():
                return f"size_bytes {meta.size_bytes}, the literal has {side.ByteSize()}"
            if meta.inferred_type != TypeEngine.to_literal_type(ty).to_flyte_idl() and case not in TYPE_DIFFERS:
                return f"inferred_type {meta.inferred_type} is not flytekit's type"
        elif (theirs := expected_hash(case)) is not None and pb.literals["o0"].hash != theirs:
            return f"our hash {pb.literals['o0'].hash!r} is not flytekit's {theirs!r}"
        got = TypeEngine.to_python_value(ctx, LiteralMap.from_flyte_idl(pb).literals["o0"], ty)
    except Exception as e:  # noqa: BLE001 - any failure to read is the finding
        return f"flytekit cannot read it ({how}): {e}"
    try:
        equal = same(got, value)
    except Exception as e:  # noqa: BLE001 - a value flytekit cannot even compare
        return f"flytekit cannot compare what it read ({how}): {e}"
    return None if equal else f"flytekit read {got!r} ({how}), expected {value!r}"


# Cases whose type differs from flytekit's (tests/polyglot.rs says why).
TYPE_DIFFERS = {"with_bytes"}


def type_difference(root: pathlib.Path, case: str) -> typing.Optional[str]:
    """How our Flyte type for `case` differs from flytekit's, if it does."""
    ours = types_pb2.LiteralType()
    ours.ParseFromString((root / case / "type.pb").read_bytes())
    theirs = TypeEngine.to_literal_type(CASES[case][0]).to_flyte_idl()
    if ours == theirs:
        return None
    return f"ours {json_format.MessageToJson(ours)} flytekit's {json_format.MessageToJson(theirs)}"


def main() -> int:
    what, root = sys.argv[1], pathlib.Path(sys.argv[2])
    if what == "cases":
        print(json.dumps(list(CASES)))
    elif what == "write":
        for case in CASES:
            write(root, case)
    elif what == "check":
        report = {
            "values": {c: e for c in CASES if (e := read(root, c))},
            "types": {c: e for c in CASES if (e := type_difference(root, c))},
        }
        print(json.dumps(report))
    else:
        raise SystemExit(f"unknown command {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
