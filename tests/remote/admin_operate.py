"""What the flyteadmin stand-in (admin_server.py) answers about executions once
launched: listing them, their nodes and task attempts, a node's data, relaunch and
recover, launch plan versions, and the SignalService's gates.

Each execution's nodes are made from its workflow's template when it is created:
a task node's inputs are the workflow inputs its bindings name (and constants),
written as `inputs.pb` to the test S3 bucket (FLYTE_TEST_S3_BUCKET) when there is
one, so a client reads them where Flyte keeps them. A node whose string input
starts with `fail` failed, in two attempts with log links; the others succeeded. A
gate node is a signal the execution waits on until SetSignal gives it.
"""
import os

import grpc
from flyteidl.admin import (
    execution_pb2,
    launch_plan_pb2,
    node_execution_pb2,
    signal_pb2,
    task_execution_pb2,
)
from flyteidl.core import execution_pb2 as core_execution
from flyteidl.core import identifier_pb2, literals_pb2, types_pb2
from flyteidl.service import signal_pb2_grpc


def key(identifier):
    return identifier.SerializeToString(deterministic=True)


def node_inputs(node, inputs):
    """The literal map a node gets: the workflow inputs and constants its bindings
    name (others, from upstream outputs, are left out)."""
    out = literals_pb2.LiteralMap()
    for binding in node.inputs:
        b = binding.binding
        # A workflow input: flytekit and we write its node as "" (propeller reads
        # it as the start node).
        if b.HasField("promise") and b.promise.node_id in ("", "start-node"):
            if b.promise.var in inputs.literals:
                out.literals[binding.var].CopyFrom(inputs.literals[b.promise.var])
        elif b.HasField("scalar"):
            out.literals[binding.var].scalar.CopyFrom(b.scalar)
    return out


def failure_of(inputs):
    for literal in inputs.literals.values():
        text = literal.scalar.primitive.string_value
        if text.startswith("fail"):
            return text
    return None


class Operate:
    """Mixed into the stand-in's Admin servicer."""

    def _nodes(self, name, found):
        """The execution's node records, made once: the workflow's nodes, and under a
        subworkflow node its own nodes, named `<parent>-0-<child>` as flyteadmin names
        a child of a parent's first attempt."""
        if "nodes" in found:
            return found["nodes"]
        workflow = self.workflows.get(key(found["plan"].workflow_id))
        nodes = []
        if workflow is not None:
            subs = {key(t.id): t for t in workflow[0].sub_workflows}
            self._add_nodes(name, workflow[0].template.nodes, found["request"].inputs, "", subs, nodes)
        found["nodes"] = nodes
        return nodes

    def _add_nodes(self, name, template_nodes, inputs, parent, subs, nodes):
        bucket = os.environ.get("FLYTE_TEST_S3_BUCKET")
        for node in template_nodes:
            node_id = f"{parent}-0-{node.id}" if parent else node.id
            given = node_inputs(node, inputs)
            uri = ""
            if bucket and (node.HasField("task_node") or node.HasField("array_node")):
                path = f"metadata/{name}/{node_id}/data/inputs.pb"
                self._s3().put_object(Bucket=bucket, Key=path, Body=given.SerializeToString())
                uri = f"s3://{bucket}/{path}"
            sub = None
            if node.HasField("workflow_node") and node.workflow_node.HasField("sub_workflow_ref"):
                sub = subs.get(key(node.workflow_node.sub_workflow_ref))
            nodes.append({
                "id": node_id, "node": node, "inputs": given, "uri": uri,
                "failure": failure_of(given), "parent": parent, "is_parent": sub is not None,
            })
            if sub is not None:
                self._add_nodes(name, sub.nodes, given, node_id, subs, nodes)

    def _found(self, ident, context):
        found = self.executions.get(key(ident))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type EXECUTION")
        return found

    def ListExecutions(self, request, context):
        self._log("ListExecutions", request, context)
        listed = []
        for found in list(self.executions.values()):
            req = found["request"]
            if (req.project, req.domain) != (request.id.project, request.id.domain):
                continue
            ident = identifier_pb2.WorkflowExecutionIdentifier(project=req.project, domain=req.domain, name=found["name"])
            _, failure = self._outputs(found["plan"], req.inputs)
            phase = core_execution.WorkflowExecution.FAILED if failure else core_execution.WorkflowExecution.SUCCEEDED
            if found.get("aborted"):
                phase = core_execution.WorkflowExecution.ABORTED
            closure = execution_pb2.ExecutionClosure(phase=phase, workflow_id=found["plan"].workflow_id)
            closure.created_at.FromSeconds(1_700_000_000 + found["seq"])
            closure.started_at.FromSeconds(1_700_000_000 + found["seq"])
            closure.duration.FromSeconds(3)
            if failure:
                closure.error.message = failure
            listed.append(execution_pb2.Execution(id=ident, spec=req.spec, closure=closure))
        for term in filter(None, request.filters.split("+")):
            field, value = term[len("eq("):-1].split(",", 1)
            if field == "phase":
                listed = [e for e in listed if core_execution.WorkflowExecution.Phase.Name(e.closure.phase) == value]
            elif field == "workflow.name":
                listed = [e for e in listed if e.closure.workflow_id.name == value]
            else:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"unknown filter field {field}")
        if request.sort_by.key != "created_at" or request.sort_by.direction != 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "the stand-in sorts by created_at, descending")
        listed.sort(key=lambda e: -e.closure.created_at.seconds)
        start = int(request.token or 0)
        page = listed[start:start + request.limit]
        token = str(start + request.limit) if start + request.limit < len(listed) else ""
        return execution_pb2.ExecutionList(executions=page, token=token)

    def _again(self, request, context, how):
        found = self._found(request.id, context)
        create = execution_pb2.ExecutionCreateRequest()
        create.CopyFrom(found["request"])
        create.name = request.name
        if how == "recover":
            create.spec.metadata.mode = execution_pb2.ExecutionMetadata.RECOVERED
            create.spec.metadata.reference_execution.CopyFrom(request.id)
        else:
            create.spec.metadata.mode = execution_pb2.ExecutionMetadata.RELAUNCH
        return self.CreateExecution(create, context, record=False)

    def RelaunchExecution(self, request, context):
        self._log("RelaunchExecution", request, context)
        return self._again(request, context, "relaunch")

    def RecoverExecution(self, request, context):
        self._log("RecoverExecution", request, context)
        found = self._found(request.id, context)
        _, failure = self._outputs(found["plan"], found["request"].inputs)
        if not failure:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "only a failed execution can be recovered")
        return self._again(request, context, "recover")

    def ListNodeExecutions(self, request, context):
        self._log("ListNodeExecutions", request, context)
        found = self._found(request.workflow_execution_id, context)
        listed = []
        for record in self._nodes(request.workflow_execution_id.name, found):
            if record["parent"] != request.unique_parent_id:
                continue
            node = record["node"]
            ident = identifier_pb2.NodeExecutionIdentifier(node_id=record["id"], execution_id=request.workflow_execution_id)
            closure = node_execution_pb2.NodeExecutionClosure()
            if record["failure"]:
                closure.phase = core_execution.NodeExecution.FAILED
                closure.error.message = record["failure"]
                closure.error.code = "USER:Fail"
            elif node.HasField("gate_node") and not self._signal_value(found, node):
                closure.phase = core_execution.NodeExecution.RUNNING
            else:
                closure.phase = core_execution.NodeExecution.SUCCEEDED
            closure.duration.FromMilliseconds(1500)
            listed.append(node_execution_pb2.NodeExecution(
                id=ident, input_uri=record["uri"], closure=closure,
                metadata=node_execution_pb2.NodeExecutionMetaData(
                    spec_node_id=node.id, is_array=node.HasField("array_node"), is_parent_node=record["is_parent"]
                ),
            ))
        return node_execution_pb2.NodeExecutionList(node_executions=listed)

    def _record(self, node_id, context):
        execution = self._found(node_id.execution_id, context)
        for record in self._nodes(node_id.execution_id.name, execution):
            if record["id"] == node_id.node_id:
                return record
        context.abort(grpc.StatusCode.NOT_FOUND, f"missing node execution {node_id.node_id}")

    def ListTaskExecutions(self, request, context):
        self._log("ListTaskExecutions", request, context)
        record = self._record(request.node_execution_id, context)
        node = record["node"]
        if not node.HasField("task_node"):
            return task_execution_pb2.TaskExecutionList()
        attempts = 2 if record["failure"] else 1
        listed = []
        for retry in range(attempts):
            ident = identifier_pb2.TaskExecutionIdentifier(
                task_id=node.task_node.reference_id, node_execution_id=request.node_execution_id, retry_attempt=retry
            )
            closure = task_execution_pb2.TaskExecutionClosure()
            if record["failure"]:
                closure.phase = core_execution.TaskExecution.FAILED
                closure.error.message = record["failure"]
            else:
                closure.phase = core_execution.TaskExecution.SUCCEEDED
            closure.duration.FromMilliseconds(700)
            closure.logs.append(core_execution.TaskLog(
                name="Kubernetes Logs", uri=f"https://logs.example/{request.node_execution_id.execution_id.name}/{record['id']}/{retry}"
            ))
            listed.append(task_execution_pb2.TaskExecution(id=ident, input_uri=record["uri"], closure=closure))
        return task_execution_pb2.TaskExecutionList(task_executions=listed)

    def GetNodeExecutionData(self, request, context):
        self._log("GetNodeExecutionData", request, context)
        record = self._record(request.id, context)
        response = node_execution_pb2.NodeExecutionGetDataResponse()
        response.full_inputs.CopyFrom(record["inputs"])
        if not record["failure"] and record["node"].HasField("task_node"):
            # The echo-like tasks of the tests hand their first input back.
            for value in record["inputs"].literals.values():
                response.full_outputs.literals["o0"].CopyFrom(value)
                break
        return response

    def ListLaunchPlans(self, request, context):
        self._log("ListLaunchPlans", request, context)
        found = [
            launch_plan_pb2.LaunchPlan(id=ident)
            for ident in (identifier_pb2.Identifier.FromString(k) for k in self.plans)
            if (ident.project, ident.domain, ident.name) == (request.id.project, request.id.domain, request.id.name)
        ]
        # Newest first: the versions in the order they were registered, reversed.
        found.reverse()
        return launch_plan_pb2.LaunchPlanList(launch_plans=found[: request.limit or None])

    def _signal_value(self, found, node):
        return found.setdefault("signals", {}).get(self._signal_name(node))

    @staticmethod
    def _signal_name(node):
        gate = node.gate_node
        if gate.HasField("approve"):
            return gate.approve.signal_id
        return gate.signal.signal_id


class Signals(signal_pb2_grpc.SignalServiceServicer):
    """flyteadmin's SignalService: the gates of an execution's gate nodes."""

    def __init__(self, admin):
        self.admin = admin

    def _gates(self, ident, context):
        found = self.admin._found(ident, context)
        workflow = self.admin.workflows.get(key(found["plan"].workflow_id))
        gates = []
        for node in workflow[0].template.nodes if workflow else []:
            if node.HasField("gate_node") and not node.gate_node.HasField("sleep"):
                gate = node.gate_node
                ty = gate.signal.type if gate.HasField("signal") else types_pb2.LiteralType(simple=types_pb2.BOOLEAN)
                gates.append((Operate._signal_name(node), ty))
        return found, gates

    def ListSignals(self, request, context):
        self.admin._log("ListSignals", request, context)
        found, gates = self._gates(request.workflow_execution_id, context)
        values = found.setdefault("signals", {})
        listed = []
        for name, ty in gates:
            signal = signal_pb2.Signal(
                id=identifier_pb2.SignalIdentifier(signal_id=name, execution_id=request.workflow_execution_id), type=ty
            )
            if name in values:
                signal.value.CopyFrom(values[name])
            listed.append(signal)
        return signal_pb2.SignalList(signals=listed)

    def SetSignal(self, request, context):
        self.admin._log("SetSignal", request, context)
        found, gates = self._gates(request.id.execution_id, context)
        names = [n for n, _ in gates]
        if request.id.signal_id not in names:
            context.abort(grpc.StatusCode.NOT_FOUND, f"missing signal {request.id.signal_id}")
        found.setdefault("signals", {})[request.id.signal_id] = request.value
        return signal_pb2.SignalSetResponse()
