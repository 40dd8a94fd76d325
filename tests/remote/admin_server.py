"""A flyteadmin stand-in for tests/remote/main.rs, built on the flyteidl 1.16 package's own
gRPC servicer (flyteidl.service.AdminService).

It stores what it is sent and answers as flyteadmin does for the calls an SDK makes to
register and run: CreateTask/CreateWorkflow/CreateLaunchPlan (ALREADY_EXISTS for an
identical entity, INVALID_ARGUMENT for a different one under the same id),
UpdateLaunchPlan, CreateExecution (NOT_FOUND for an unknown launch plan),
GetExecution (QUEUED, then RUNNING, then SUCCEEDED or FAILED, one step per poll),
GetExecutionData (the outputs as a literal map) and TerminateExecution; and, in
admin_operate.py, ListExecutions, the node and task executions, a node's data,
RelaunchExecution, RecoverExecution, ListLaunchPlans and the SignalService.

The outputs of an execution are made up: each workflow output takes the value of
the first workflow input of the same type. An execution with a string input that
starts with `fail` fails with that text as its error.

Usage: admin_server.py RECORD_FILE [--auth CLIENT_ID:SECRET] [--token T]
[--expires-in SECONDS] [--unavailable N] [--tls DIR] [--redirect-uri URI]
[--large-outputs offloaded|by-url].
Prints `PORT <n>` (and `OAUTH <url>` with `--auth`) once it listens on 127.0.0.1; every request is appended to
RECORD_FILE as one line of JSON. With `--auth`, an OAuth2 server (HTTP: a token
endpoint for client credentials in basic auth, device codes and refresh tokens, and a
device authorization endpoint, and an authorization endpoint sending the browser
back to the public client's redirect URI, `--redirect-uri`, for PKCE) runs beside it, AuthMetadataService names it, and every
AdminService call needs its token (`--token`, or a random one) in `flyte-authorization`.
With `--unavailable N`, the
first N GetExecution calls answer UNAVAILABLE, as a dropped connection does. With
`--large-outputs`, GetExecutionData hands outputs over as large ones are: each
offloaded to an S3 object of its own, or the whole map at a signed URL only. With
`--tls DIR`, both gRPC and the token endpoint use TLS with a certificate for
127.0.0.1 and localhost signed by a throwaway CA, written to DIR/ca.pem for the client.
"""
import base64
import http.server
import json
import sys
import threading
import uuid
from concurrent import futures

import botocore.config
import grpc
from flyteidl.admin import execution_pb2, launch_plan_pb2, task_pb2, workflow_pb2
from flyteidl.core import execution_pb2 as core_execution
from flyteidl.core import compiler_pb2, identifier_pb2, interface_pb2
from flyteidl.service import admin_pb2_grpc, auth_pb2, auth_pb2_grpc, dataproxy_pb2, dataproxy_pb2_grpc, signal_pb2_grpc
from google.protobuf.json_format import MessageToDict

from admin_operate import Operate, Signals

PHASES = [
    core_execution.WorkflowExecution.QUEUED,
    core_execution.WorkflowExecution.RUNNING,
]


def key(identifier):
    return identifier.SerializeToString(deterministic=True)


TOKEN = "token-" + uuid.uuid4().hex


def token_server(client_id, secret, record, expires_in):
    """An OAuth2 token endpoint; returns its URL. It issues tokens for client
    credentials (this client, in basic auth), for a device code once the user
    opened the verification page (RFC 8628: `authorization_pending` until then), and
    for a refresh token. Each token it issues is recorded as a `Token` request with
    its grant type."""
    from urllib.parse import parse_qs, urlparse

    device = {"approved": False}

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self, status, document):
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            query = parse_qs(urlparse(self.path).query)
            if urlparse(self.path).path == "/oauth2/authorize":
                # The browser signs in (PKCE) and is sent back with a code.
                one = {k: v[0] for k, v in query.items()}
                expected = {"client_id": "flytectl", "response_type": "code", "code_challenge_method": "S256", "redirect_uri": REDIRECT_URI}
                if any(one.get(k) != v for k, v in expected.items()) or not one.get("code_challenge"):
                    return self.answer(400, {"error": "invalid_request", "got": one})
                device["challenge"] = one["code_challenge"]
                self.send_response(302)
                self.send_header("location", f"{REDIRECT_URI}?code=auth-code-1&state={one.get('state', '')}")
                self.send_header("content-length", "0")
                self.end_headers()
                return
            # The verification page: the user signs in and approves the device.
            if urlparse(self.path).path == "/device" and query.get("user_code") == ["WDJB-MJHT"]:
                device["approved"] = True
                return self.answer(200, {"approved": True})
            self.answer(404, {"error": "not_found"})

        def do_POST(self):
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers.get("content-length", 0))).decode()).items()}
            if self.path.endswith("/device/authorize"):
                return self.answer(200, {
                    "device_code": "dev-code-1",
                    "user_code": "WDJB-MJHT",
                    "verification_uri": f"{base}/device",
                    "expires_in": 60,
                    "interval": 1,
                })
            grant = form.get("grant_type", "")
            if grant == "client_credentials":
                expected = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
                if self.headers.get("authorization") != expected:
                    return self.answer(401, {"error": "invalid_client"})
            elif grant == "urn:ietf:params:oauth:grant-type:device_code":
                if form.get("device_code") != "dev-code-1" or form.get("client_id") != "flytectl":
                    return self.answer(400, {"error": "invalid_grant"})
                if not device["approved"]:
                    return self.answer(400, {"error": "authorization_pending"})
            elif grant == "authorization_code":
                import hashlib

                verifier = form.get("code_verifier", "").encode()
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
                if form.get("code") != "auth-code-1" or form.get("redirect_uri") != REDIRECT_URI or challenge != device.get("challenge"):
                    return self.answer(400, {"error": "invalid_grant"})
            elif grant == "refresh_token":
                if form.get("refresh_token") != "refresh-1":
                    return self.answer(400, {"error": "invalid_grant"})
            else:
                return self.answer(400, {"error": "unsupported_grant_type"})
            with open(record, "a") as f:
                f.write(json.dumps({"method": "Token", "request": {"grant_type": grant, "scope": form.get("scope"), "audience": form.get("audience")}}) + "\n")
            self.answer(200, {"access_token": TOKEN, "token_type": "bearer", "expires_in": expires_in, "refresh_token": "refresh-1"})

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if TLS:
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TLS["cert_file"], TLS["key_file"])
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    base = f"{scheme}://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"{base}/oauth2/token"


TLS = None
REDIRECT_URI = "http://localhost:53593/callback"


def make_tls(folder):
    """A throwaway CA (DIR/ca.pem) and a server certificate it signs, for 127.0.0.1 and
    localhost (DIR/server.pem, DIR/server.key)."""
    import datetime
    import ipaddress
    import os

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    valid = (now - datetime.timedelta(hours=1), now + datetime.timedelta(days=1))

    def cert(subject, issuer, public_key, signing_key, extensions):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid[0])
            .not_valid_after(valid[1])
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(signing_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = cert("flyte-test-ca", "flyte-test-ca", ca_key.public_key(), ca_key, [(x509.BasicConstraints(ca=True, path_length=None), True)])
    key = ec.generate_private_key(ec.SECP256R1())
    names = x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    server = cert("localhost", "flyte-test-ca", key.public_key(), ca_key, [(names, False), (x509.BasicConstraints(ca=False, path_length=None), True)])
    pem = serialization.Encoding.PEM
    files = {
        "ca.pem": ca.public_bytes(pem),
        "server.pem": server.public_bytes(pem),
        "server.key": key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    }
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    return {
        "cert_file": os.path.join(folder, "server.pem"),
        "key_file": os.path.join(folder, "server.key"),
        "cert": files["server.pem"],
        "key": files["server.key"],
    }


def s3_client():
    """A client of the S3 server the tests run (AWS_ENDPOINT and the other AWS_*
    variables)."""
    import os

    import botocore.session

    return botocore.session.get_session().create_client(
        "s3",
        endpoint_url=os.environ["AWS_ENDPOINT"],
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=botocore.config.Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


class DataProxy(dataproxy_pb2_grpc.DataProxyServiceServicer):
    """Signed upload URLs on the S3 server the tests run (AWS_ENDPOINT and the other
    AWS_* variables, bucket FLYTE_TEST_S3_BUCKET), as flyteadmin hands them out: the
    object under <project>/<domain>/<filename_root, else the md5>/<filename>."""

    def __init__(self, admin):
        self.admin = admin

    def CreateUploadLocation(self, request, context):
        self.admin._log("CreateUploadLocation", request, context)
        import os

        if not request.content_md5:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "content_md5 is required")
        bucket = os.environ.get("FLYTE_TEST_S3_BUCKET")
        if not bucket:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "no S3 bucket configured (FLYTE_TEST_S3_BUCKET)")
        root = request.filename_root or request.content_md5.hex()
        key = f"{request.project}/{request.domain}/{root}/{request.filename}"
        url = s3_client().generate_presigned_url(
            "put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=3600
        )
        return dataproxy_pb2.CreateUploadLocationResponse(signed_url=url, native_url=f"s3://{bucket}/{key}")


class AuthMetadata(auth_pb2_grpc.AuthMetadataServiceServicer):
    def __init__(self, token_endpoint):
        self.token_endpoint = token_endpoint

    def GetOAuth2Metadata(self, request, context):
        return auth_pb2.OAuth2MetadataResponse(
            token_endpoint=self.token_endpoint,
            device_authorization_endpoint=self.token_endpoint.replace("/token", "/device/authorize"),
            authorization_endpoint=self.token_endpoint.replace("/token", "/authorize"),
            grant_types_supported=["client_credentials", "urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
        )

    def GetPublicClientConfig(self, request, context):
        return auth_pb2.PublicClientAuthConfigResponse(
            client_id="flytectl", redirect_uri=REDIRECT_URI, scopes=["all"], authorization_metadata_key="flyte-authorization"
        )


class Admin(Operate, admin_pb2_grpc.AdminServiceServicer):
    def __init__(self, record, auth=False, unavailable=0, large_outputs=None):
        self.large_outputs = large_outputs
        self.lock = threading.Lock()
        self.record = record
        self.auth = auth
        self.unavailable = unavailable
        self.tasks = {}
        self.workflows = {}
        self.plans = {}
        self.plan_states = {}
        self.executions = {}

    def _s3(self):
        return s3_client()

    def _check(self, context):
        if not self.auth:
            return
        metadata = dict(context.invocation_metadata())
        if metadata.get("flyte-authorization") != "Bearer " + TOKEN:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "token is missing or not valid")

    def _log(self, method, request, context=None):
        if context is not None:
            self._check(context)
        with self.lock, open(self.record, "a") as f:
            f.write(json.dumps({"method": method, "request": MessageToDict(request)}) + "\n")

    def _create(self, store, kind, request, context):
        self._log("Create" + kind, request, context)
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

    # The reads flytekit's FlyteRemote makes after registering: each entity as
    # flyteadmin returns it, a workflow with its "compiled" closure (its template and
    # its tasks' templates; no connections).
    def GetTask(self, request, context):
        self._log("GetTask", request, context)
        found = self.tasks.get(key(request.id))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type TASK")
        closure = task_pb2.TaskClosure(compiled_task=compiler_pb2.CompiledTask(template=found[0].template))
        return task_pb2.Task(id=request.id, closure=closure)

    def GetWorkflow(self, request, context):
        self._log("GetWorkflow", request, context)
        found = self.workflows.get(key(request.id))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type WORKFLOW")
        spec = found[0]
        compiled = compiler_pb2.CompiledWorkflowClosure(
            primary=compiler_pb2.CompiledWorkflow(template=spec.template),
            sub_workflows=[compiler_pb2.CompiledWorkflow(template=t) for t in spec.sub_workflows],
        )
        for node in spec.template.nodes:
            if node.HasField("task_node"):
                task = self.tasks.get(key(node.task_node.reference_id))
                if task is not None:
                    compiled.tasks.append(compiler_pb2.CompiledTask(template=task[0].template))
        closure = workflow_pb2.WorkflowClosure(compiled_workflow=compiled)
        return workflow_pb2.Workflow(id=request.id, closure=closure)

    def GetLaunchPlan(self, request, context):
        self._log("GetLaunchPlan", request, context)
        found = self.plans.get(key(request.id))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type LAUNCH_PLAN")
        spec = found[0]
        closure = launch_plan_pb2.LaunchPlanClosure(state=self.plan_states.get(key(request.id), 0))
        workflow = self.workflows.get(key(spec.workflow_id))
        if workflow is not None:
            interface = workflow[0].template.interface
            for name, var in interface.inputs.variables.items():
                closure.expected_inputs.parameters[name].var.CopyFrom(var)
            closure.expected_outputs.CopyFrom(interface.outputs)
        return launch_plan_pb2.LaunchPlan(id=request.id, spec=spec, closure=closure)

    def UpdateLaunchPlan(self, request, context):
        self._log("UpdateLaunchPlan", request, context)
        if key(request.id) not in self.plans:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type LAUNCH_PLAN")
        self.plan_states[key(request.id)] = request.state
        return launch_plan_pb2.LaunchPlanUpdateResponse()

    def CreateExecution(self, request, context, record=True):
        if record:
            self._log("CreateExecution", request, context)
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
            seq = len(self.executions)
            self.executions[key(ident)] = {"request": request, "plan": plan[0], "polls": 0, "name": name, "seq": seq}
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
        self._log("GetExecution", request, context)
        with self.lock:
            if self.unavailable > 0:
                self.unavailable -= 1
                context.abort(grpc.StatusCode.UNAVAILABLE, "connection reset")
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
        self._log("GetExecutionData", request, context)
        found = self.executions.get(key(request.id))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type EXECUTION")
        inputs = found["request"].inputs
        outputs, _ = self._outputs(found["plan"], inputs)
        response = execution_pb2.WorkflowExecutionGetDataResponse()
        response.full_inputs.CopyFrom(inputs)
        for name, literal in outputs.items():
            response.full_outputs.literals[name].CopyFrom(literal)
        if self.large_outputs:
            self._large(response, request.id.name)
        return response

    def _large(self, response, name):
        """Outputs as flyteadmin and flytekit hand over large ones: each literal
        offloaded to an object of its own (`offloaded`), or the whole map only at a
        signed URL (`by-url`)."""
        import os

        from flyteidl.core import literals_pb2

        bucket = os.environ["FLYTE_TEST_S3_BUCKET"]
        client = s3_client()
        if self.large_outputs == "offloaded":
            for key, literal in list(response.full_outputs.literals.items()):
                path = f"executions/{name}/{key}_offloaded_metadata.pb"
                data = literal.SerializeToString()
                client.put_object(Bucket=bucket, Key=path, Body=data)
                offloaded = literals_pb2.Literal(offloaded_metadata=literals_pb2.LiteralOffloadedMetadata(uri=f"s3://{bucket}/{path}", size_bytes=len(data)))
                response.full_outputs.literals[key].CopyFrom(offloaded)
        else:
            path = f"executions/{name}/outputs.pb"
            data = response.full_outputs.SerializeToString()
            client.put_object(Bucket=bucket, Key=path, Body=data)
            url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": path}, ExpiresIn=3600)
            response.ClearField("full_outputs")
            response.outputs.url = url
            response.outputs.bytes = len(data)

    def TerminateExecution(self, request, context):
        self._log("TerminateExecution", request, context)
        found = self.executions.get(key(request.id))
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "missing entity of type EXECUTION")
        found["aborted"] = request.cause or "terminated"
        return execution_pb2.ExecutionTerminateResponse()


def main():
    args = sys.argv[2:]
    auth = args[args.index("--auth") + 1] if "--auth" in args else None
    unavailable = int(args[args.index("--unavailable") + 1]) if "--unavailable" in args else 0
    expires_in = int(args[args.index("--expires-in") + 1]) if "--expires-in" in args else 3600
    if "--token" in args:
        global TOKEN
        TOKEN = args[args.index("--token") + 1]
    if "--redirect-uri" in args:
        global REDIRECT_URI
        REDIRECT_URI = args[args.index("--redirect-uri") + 1]
    if "--tls" in args:
        global TLS
        TLS = make_tls(args[args.index("--tls") + 1])
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    large = args[args.index("--large-outputs") + 1] if "--large-outputs" in args else None
    admin = Admin(sys.argv[1], auth is not None, unavailable, large)
    admin_pb2_grpc.add_AdminServiceServicer_to_server(admin, server)
    dataproxy_pb2_grpc.add_DataProxyServiceServicer_to_server(DataProxy(admin), server)
    signal_pb2_grpc.add_SignalServiceServicer_to_server(Signals(admin), server)
    if auth:
        client_id, secret = auth.split(":", 1)
        token_url = token_server(client_id, secret, sys.argv[1], expires_in)
        auth_pb2_grpc.add_AuthMetadataServiceServicer_to_server(AuthMetadata(token_url), server)
    if TLS:
        credentials = grpc.ssl_server_credentials([(TLS["key"], TLS["cert"])])
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    # With `--auth`, also where the OAuth2 server is (its device page for the tests).
    oauth = f" OAUTH {token_url.removesuffix('/oauth2/token')}" if auth else ""
    print(f"PORT {port}{oauth}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
