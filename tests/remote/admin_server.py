"""A flyteadmin stand-in for tests/remote.rs, built on the flyteidl 1.16 package's own
gRPC servicer (flyteidl.service.AdminService).

It stores what it is sent and answers as flyteadmin does for the calls an SDK makes to
register and run: CreateTask/CreateWorkflow/CreateLaunchPlan (ALREADY_EXISTS for an
identical entity, INVALID_ARGUMENT for a different one under the same id),
UpdateLaunchPlan, CreateExecution (NOT_FOUND for an unknown launch plan),
GetExecution (QUEUED, then RUNNING, then SUCCEEDED or FAILED, one step per poll),
GetExecutionData (the outputs as a literal map) and TerminateExecution.

The outputs of an execution are made up: each workflow output takes the value of
the first workflow input of the same type. An execution with a string input that
starts with `fail` fails with that text as its error.

Usage: admin_server.py RECORD_FILE. Prints `PORT <n>` once it listens on 127.0.0.1;
every request is appended to RECORD_FILE as one line of JSON.
"""
import json
import sys
import threading
import uuid
from concurrent import futures

import grpc
from flyteidl.admin import execution_pb2, launch_plan_pb2, task_pb2, workflow_pb2
from flyteidl.core import execution_pb2 as core_execution
from flyteidl.core import identifier_pb2
from flyteidl.service import admin_pb2_grpc
from google.protobuf.json_format import MessageToDict

PHASES = [
    core_execution.WorkflowExecution.QUEUED,
    core_execution.WorkflowExecution.RUNNING,
]


def key(identifier):
    return identifier.SerializeToString(deterministic=True)


class Admin(admin_pb2_grpc.AdminServiceServicer):
    def __init__(self, record):
        self.lock = threading.Lock()
        self.record = record
        self.tasks = {}
        self.workflows = {}
        self.plans = {}
        self.plan_states = {}
        self.executions = {}

    def _log(self, method, request):
        with self.lock, open(self.record, "a") as f:
            f.write(json.dumps({"method": method, "request": MessageToDict(request)}) + "\n")

    def _create(self, store, kind, request, context):
        self._log("Create" + kind, request)
        spec = request.spec.SerializeToString(deterministic=True)
        with self.lock:
            found = store.get(key(request.id))
            if found is None:
                store[key(request.id)] = (request.spec, spec)
                return
        if found[1] == spec:
            context.abort(grpc.StatusCode.ALREADY_EXISTS, f"{kind.lower()} with identical structure already exists")
        context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"{kind.lower()} with different structure already exists",
        )

    def CreateTask(self, request, context):
        self._create(self.tasks, "Task", request, context)
        return task_pb2.TaskCreateResponse()

    def CreateWorkflow(self, request, context):
        self._create(self.workflows, "Workflow", request, context)
        return workflow_pb2.WorkflowCreateResponse()

    def CreateLaunchPlan(self, request, context):
        self._create(self.plans, "LaunchPlan", request, context)
        return launch_plan_pb2.LaunchPlanCreateResponse()

    def UpdateLaunchPlan(self, request, context):
        self._log("UpdateLaunchPlan", request)
        if key(request.id) not in self.plans:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type LAUNCH_PLAN")
        self.plan_states[key(request.id)] = request.state
        return launch_plan_pb2.LaunchPlanUpdateResponse()

    def CreateExecution(self, request, context):
        self._log("CreateExecution", request)
        plan = self.plans.get(key(request.spec.launch_plan))
        if plan is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type LAUNCH_PLAN")
        name = request.name or ("f" + uuid.uuid4().hex[:19])
        ident = identifier_pb2.WorkflowExecutionIdentifier(
            project=request.project, domain=request.domain, name=name
        )
        with self.lock:
            if key(ident) in self.executions:
                context.abort(grpc.StatusCode.ALREADY_EXISTS, f"execution {name} already exists")
            self.executions[key(ident)] = {"request": request, "plan": plan[0], "polls": 0}
        return execution_pb2.ExecutionCreateResponse(id=ident)

    def _outputs(self, plan, inputs):
        workflow = self.workflows.get(key(plan.workflow_id))
        if workflow is None:
            return {}, None
        interface = workflow[0].template.interface
        out = {}
        for name, var in interface.outputs.variables.items():
            for in_name, in_var in interface.inputs.variables.items():
                if in_var.type == var.type and in_name in inputs.literals:
                    out[name] = inputs.literals[in_name]
                    break
        for literal in inputs.literals.values():
            text = literal.scalar.primitive.string_value
            if text.startswith("fail"):
                return out, text
        return out, None

    def GetExecution(self, request, context):
        self._log("GetExecution", request)
        with self.lock:
            found = self.executions.get(key(request.id))
            if found is None:
                context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type EXECUTION")
            polls = found["polls"]
            found["polls"] += 1
        closure = execution_pb2.ExecutionClosure()
        if found.get("aborted"):
            closure.phase = core_execution.WorkflowExecution.ABORTED
            closure.abort_cause = found["aborted"]
        elif polls < len(PHASES):
            closure.phase = PHASES[polls]
        else:
            inputs = found["request"].inputs
            outputs, failure = self._outputs(found["plan"], inputs)
            if failure:
                closure.phase = core_execution.WorkflowExecution.FAILED
                closure.error.CopyFrom(
                    core_execution.ExecutionError(code="USER:Fail", message=failure, kind=core_execution.ExecutionError.USER)
                )
            else:
                closure.phase = core_execution.WorkflowExecution.SUCCEEDED
        closure.workflow_id.CopyFrom(found["plan"].workflow_id)
        return execution_pb2.Execution(id=request.id, spec=found["request"].spec, closure=closure)

    def GetExecutionData(self, request, context):
        self._log("GetExecutionData", request)
        found = self.executions.get(key(request.id))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type EXECUTION")
        inputs = found["request"].inputs
        outputs, _ = self._outputs(found["plan"], inputs)
        response = execution_pb2.WorkflowExecutionGetDataResponse()
        response.full_inputs.CopyFrom(inputs)
        for name, literal in outputs.items():
            response.full_outputs.literals[name].CopyFrom(literal)
        return response

    def TerminateExecution(self, request, context):
        self._log("TerminateExecution", request)
        found = self.executions.get(key(request.id))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type EXECUTION")
        found["aborted"] = request.cause or "terminated"
        return execution_pb2.ExecutionTerminateResponse()


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    admin_pb2_grpc.add_AdminServiceServicer_to_server(Admin(sys.argv[1]), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
