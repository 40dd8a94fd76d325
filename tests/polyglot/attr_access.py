"""flytekit's own serialization of attribute access on promises, for tests/local/attr_access.rs.

Prints one JSON object: for each node (in call order) the attribute paths of its
input bindings, and the same for the workflow's outputs, as flytekit 1.16.31 writes
them into the WorkflowTemplate.
"""
import json
import sys
from collections import OrderedDict
from dataclasses import dataclass
from typing import Dict, List

from flytekit import task, workflow
from flytekit.configuration import Image, ImageConfig, SerializationSettings
from flytekit.tools.translator import get_serializable
from google.protobuf.json_format import MessageToDict


@dataclass
class Inner:
    score: float


@dataclass
class Summary:
    count: int
    max_score: float
    inner: Inner
    tags: List[str]
    weights: Dict[str, float]


@task
def summarize(xs: List[int]) -> Summary:
    return Summary(len(xs), float(max(xs)), Inner(1.0), ["a"], {"a": 1.0})


@task
def use_float(x: float) -> float:
    return x


@task
def use_str(s: str) -> str:
    return s


@task
def use_int(n: int) -> int:
    return n


@workflow
def attrs(xs: List[int], config: Summary) -> (float, float, str, float, int, float):
    s = summarize(xs=xs)
    a = use_float(x=s.max_score)
    b = use_float(x=s.inner.score)
    c = use_str(s=s.tags[0])
    d = use_float(x=s.weights["a"])
    e = use_int(n=config.count)
    return a, b, c, d, e, s.inner.score


def paths(bindings):
    out = {}
    for b in bindings:
        promise = b.get("binding", {}).get("promise", {})
        out[b["var"]] = {
            "node": promise.get("nodeId", ""),
            "var": promise.get("var", ""),
            "attrPath": promise.get("attrPath", []),
        }
    return out


def main():
    settings = SerializationSettings(
        image_config=ImageConfig(default_image=Image(name="default", fqn="img", tag="1")),
        project="p",
        domain="d",
        version="v",
    )
    spec = get_serializable(OrderedDict(), settings, attrs)
    template = MessageToDict(spec.template.to_flyte_idl())
    nodes = [paths(n.get("inputs", [])) for n in template["nodes"]]
    print(json.dumps({"nodes": nodes, "outputs": paths(template.get("outputs", []))}, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
