//! Talking to flyteadmin over its gRPC API: register a program's entities, launch an
//! execution of a workflow or launch plan with typed inputs, wait for it, read its
//! typed outputs or its error, terminate it, upload files (feature `remote`).
//!
//! ```no_run
//! # extern crate flytekit_core as flytekit;
//! use std::time::Duration;
//! use flytekit::remote::{Remote, RemoteConfig};
//! # async fn f<W>(registry: flytekit::registry::Registry, settings: flytekit::idl::SerializationSettings, sum_to: &W) -> Result<(), flytekit::remote::RemoteError>
//! # where W: flytekit::workflow::Workflow<Input = (i64,), Output = i64> {
//! let remote = Remote::connect(RemoteConfig::load()?).await?;
//! let registered = remote.register(&registry, &settings).await?;
//! println!("{} new, {} already there", registered.created, registered.existing);
//! let execution = remote.launch_workflow(&settings, sum_to, (100,)).await?;
//! println!("{}", remote.console_url(&execution.id));
//! let total: i64 = remote.wait_for(&execution, Duration::from_secs(5), None).await?;
//! # Ok(()) }
//! ```
//!
//! It connects over TLS (the web's root certificates, and a private CA if
//! configured) or plain HTTP/2 (`insecure`), signed in with OAuth2 client
//! credentials, PKCE in a browser, the device flow or an external command's token,
//! or not at all.

use std::time::Duration;

use std::sync::Arc;

use prost::Message;
use tonic::transport::{Channel, Endpoint};

mod auth;
mod config;
mod execution;
mod keyring;
mod nodes;
mod oauth;
mod operate;
mod pkce;
mod report;
mod typed;
mod upload;

pub use config::{Auth, RemoteConfig};
pub use execution::{LaunchOptions, Phase};
pub use nodes::{AttemptRun, NodeExecutionIdentifier, NodeRun};
pub use operate::{ExecutionQuery, ExecutionSummary, SignalState};
pub use typed::Execution;

use crate::idl::SerializationSettings;
use crate::idl::admin_service as api;
use crate::idl::core::Identifier;
use crate::registry::{PackageMessage, Registry};

pub use api::WorkflowExecutionIdentifier;

/// What went wrong talking to flyteadmin, or with an execution.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// No endpoint is configured.
    #[error(
        "no flyteadmin endpoint: write `admin.endpoint` in ~/.flyte/config.yaml (or $FLYTECTL_CONFIG), or set FLYTE_PLATFORM_URL"
    )]
    NoEndpoint,
    /// The config file cannot be read.
    #[error("flyte config `{}`: {reason}", .path.display())]
    Config {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Signing in failed.
    #[error("cannot sign in to flyteadmin: {0}")]
    Auth(String),
    /// An entity cannot be written as Flyte IDL with these settings (an image name
    /// `--image` did not give, say).
    #[error(transparent)]
    Spec(#[from] crate::idl::IdlError),
    /// The inputs of a launch are not the launch plan's.
    #[error(transparent)]
    PlanInputs(Box<crate::launch_plan::LaunchPlanError>),
    /// An execution's outputs are not the ones its workflow declares.
    #[error("the outputs of execution `{}` cannot be read: {reason}", .execution.name)]
    UnreadableOutputs {
        /// The execution.
        execution: WorkflowExecutionIdentifier,
        /// What is wrong.
        reason: String,
    },
    /// A file could not be uploaded to its signed URL.
    #[error("cannot upload `{file}`: {reason}")]
    Upload {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
    /// The endpoint is not a URL.
    #[error("`{endpoint}` is not a flyteadmin endpoint")]
    BadEndpoint {
        /// As configured.
        endpoint: String,
        /// Why.
        #[source]
        source: tonic::transport::Error,
    },
    /// flyteadmin cannot be reached.
    #[error("cannot reach flyteadmin at `{endpoint}`")]
    Connect {
        /// As configured.
        endpoint: String,
        /// Why.
        #[source]
        source: tonic::transport::Error,
    },
    /// A call failed.
    #[error("{call} {what}: {} ({:?})", .status.message(), .status.code())]
    Call {
        /// The `AdminService` method.
        call: &'static str,
        /// What it was about (an entity, an execution).
        what: String,
        /// flyteadmin's answer (boxed: a status is large).
        status: Box<tonic::Status>,
    },
    /// An entity of the same identifier, with other contents, is registered already:
    /// registering needs a new version.
    #[error(
        "{kind} `{name}` version `{version}` is registered already with other contents; register under a new version"
    )]
    Different {
        /// Task, workflow or launch plan.
        kind: &'static str,
        /// Its name.
        name: String,
        /// The version.
        version: String,
    },
    /// The execution failed.
    #[error("execution `{}` failed: {} ({})", .execution.name, .error.message, .error.code)]
    Failed {
        /// The execution.
        execution: WorkflowExecutionIdentifier,
        /// Its error (boxed: it is large).
        error: Box<api::ExecutionError>,
    },
    /// The execution was aborted or timed out.
    #[error("execution `{}` ended {phase}: {cause}", .execution.name)]
    Aborted {
        /// The execution.
        execution: WorkflowExecutionIdentifier,
        /// `ABORTED` or `TIMED_OUT`.
        phase: Phase,
        /// Why, as flyteadmin says.
        cause: String,
    },
    /// What was asked for is not on the cluster.
    #[error("no {what} on the cluster")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// The wait's deadline passed first.
    #[error("execution `{}` is still {phase} after {}", .execution.name, crate::types::human_duration(*.waited))]
    StillRunning {
        /// The execution.
        execution: WorkflowExecutionIdentifier,
        /// Its phase at the deadline.
        phase: Phase,
        /// How long the wait was.
        waited: Duration,
    },
}

/// Turns flyteadmin's refusal of `call` about `what` into a [`RemoteError::Call`].
fn call_failed(call: &'static str, what: String) -> impl FnOnce(tonic::Status) -> RemoteError {
    move |status| RemoteError::Call {
        call,
        what,
        status: Box::new(status),
    }
}

/// What [`Remote::register`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Registered {
    /// Entities registered now.
    pub created: usize,
    /// Entities registered before, identical.
    pub existing: usize,
}

/// A flyteadmin client: registers a program's entities, launches workflows and
/// launch plans, waits for them and reads their outputs, typed (flytekit's
/// `FlyteRemote`).
///
/// ```no_run
/// # extern crate flytekit_core as flytekit;
/// # use flytekit_macros::*;
/// use flytekit::prelude::*;
/// use flytekit::idl::SerializationSettings;
/// use flytekit::registry::Registry;
/// use flytekit::remote::{Remote, RemoteConfig};
/// use std::time::Duration;
///
/// #[task]
/// fn double(x: i64) -> i64 {
///     x * 2
/// }
///
/// #[workflow]
/// fn twice(x: i64) -> i64 {
///     double(double(x))
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // The endpoint and sign-in from `$FLYTECTL_CONFIG` or `~/.flyte/config.yaml`.
/// let remote = Remote::connect(RemoteConfig::load()?).await?;
/// let settings = SerializationSettings {
///     project: "flytesnacks".into(),
///     domain: "development".into(),
///     version: "v1".into(),
///     image: "ghcr.io/acme/hello:v1".into(),
///     ..Default::default()
/// };
/// let mut registry = Registry::new();
/// registry.workflow(&twice {});
/// let registered = remote.register(&registry, &settings).await?;
/// println!("{} registered, {} there already", registered.created, registered.existing);
///
/// let execution = remote.launch_workflow(&settings, &twice {}, (21,)).await?;
/// println!("{}", remote.console_url(&execution.id));
/// let out: i64 = remote.wait_for(&execution, Duration::from_secs(5), None).await?;
/// assert_eq!(out, 84);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Remote {
    grpc: tonic::client::Grpc<Channel>,
    /// For the token endpoint and signed upload URLs; trusts the same CAs.
    http: reqwest::Client,
    config: RemoteConfig,
    credentials: Arc<auth::Credentials>,
    /// The object stores outputs and inputs are read from: this client's own, so
    /// their connections live on the runtime that uses the client (a store shared
    /// by the process keeps connections of whichever runtime made them first).
    files: Arc<crate::data::FileAccess>,
}

const SERVICE: &str = "/flyteidl.service.AdminService/";

impl Remote {
    /// Connects to flyteadmin.
    pub async fn connect(config: RemoteConfig) -> Result<Self, RemoteError> {
        let url = config.url();
        let endpoint = Endpoint::from_shared(url).map_err(|source| RemoteError::BadEndpoint {
            endpoint: config.endpoint.clone(),
            source,
        })?;
        let ca = match &config.ca_cert {
            Some(path) => Some(std::fs::read(path).map_err(|e| RemoteError::Config {
                path: path.clone(),
                reason: format!("cannot read the CA certificate: {e}"),
            })?),
            None => None,
        };
        let mut http = reqwest::Client::builder();
        if let (Some(pem), Some(path)) = (&ca, &config.ca_cert) {
            let certs =
                reqwest::Certificate::from_pem_bundle(pem).map_err(|e| RemoteError::Config {
                    path: path.clone(),
                    reason: format!("not a PEM certificate: {e}"),
                })?;
            http = http.tls_certs_merge(certs);
        }
        let http = http
            .build()
            .map_err(|e| RemoteError::Auth(format!("cannot set up HTTPS: {e}")))?;
        let endpoint = if config.insecure {
            endpoint
        } else {
            let mut tls = tonic::transport::ClientTlsConfig::new().with_webpki_roots();
            if let Some(pem) = ca {
                tls = tls.ca_certificate(tonic::transport::Certificate::from_pem(pem));
            }
            endpoint
                .tls_config(tls)
                .map_err(|source| RemoteError::BadEndpoint {
                    endpoint: config.endpoint.clone(),
                    source,
                })?
        };
        let channel = endpoint
            .connect_timeout(Duration::from_secs(20))
            .connect()
            .await
            .map_err(|source| RemoteError::Connect {
                endpoint: config.endpoint.clone(),
                source,
            })?;
        let remote = Remote {
            grpc: tonic::client::Grpc::new(channel),
            http,
            config,
            credentials: Arc::default(),
            files: Arc::default(),
        };
        // Sign in now, so wrong credentials fail at once rather than at the first call.
        remote.authorization().await?;
        Ok(remote)
    }

    /// One unary call of `AdminService`, signed in: a token flyteadmin no longer takes
    /// is fetched again once; an unreachable flyteadmin (a dropped connection) is
    /// tried again with backoff for about half a minute.
    async fn call<Req, Resp>(
        &self,
        method: &'static str,
        request: Req,
    ) -> Result<Resp, tonic::Status>
    where
        Req: Message + Clone + Send + Sync + 'static,
        Resp: Message + Default + Send + Sync + 'static,
    {
        self.call_service(&format!("{SERVICE}{method}"), request)
            .await
    }

    /// [`Remote::call`] of a method by its full path (another service's).
    async fn call_service<Req, Resp>(&self, path: &str, request: Req) -> Result<Resp, tonic::Status>
    where
        Req: Message + Clone + Send + Sync + 'static,
        Resp: Message + Default + Send + Sync + 'static,
    {
        let mut backoff = Duration::from_millis(200);
        let mut signed_in_again = false;
        loop {
            let auth = self
                .authorization()
                .await
                .map_err(|e| tonic::Status::unauthenticated(e.to_string()))?;
            let status = match self.unary(path, request.clone(), auth).await {
                Ok(response) => return Ok(response),
                Err(status) => status,
            };
            match status.code() {
                tonic::Code::Unauthenticated
                    if !signed_in_again && self.config.auth != Auth::None =>
                {
                    signed_in_again = true;
                    self.forget_token().await;
                }
                tonic::Code::Unavailable if backoff < Duration::from_secs(16) => {
                    tracing::warn!(
                        path,
                        "flyteadmin is unavailable ({}); trying again in {backoff:?}",
                        status.message()
                    );
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                _ => return Err(status),
            }
        }
    }

    /// A call without sign-in (the `AuthMetadataService` a client signs in with).
    async fn call_unauthenticated<Req, Resp>(
        &self,
        path: &str,
        request: Req,
    ) -> Result<Resp, tonic::Status>
    where
        Req: Message + Send + Sync + 'static,
        Resp: Message + Default + Send + Sync + 'static,
    {
        self.unary(path, request, None).await
    }

    async fn unary<Req, Resp>(
        &self,
        path: &str,
        request: Req,
        auth: Option<(String, String)>,
    ) -> Result<Resp, tonic::Status>
    where
        Req: Message + Send + Sync + 'static,
        Resp: Message + Default + Send + Sync + 'static,
    {
        let mut grpc = self.grpc.clone();
        grpc.ready()
            .await
            .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
        let path: tonic::codegen::http::uri::PathAndQuery =
            path.parse()
                .map_err(|e: tonic::codegen::http::uri::InvalidUri| {
                    tonic::Status::internal(e.to_string())
                })?;
        let mut request = tonic::Request::new(request);
        if let Some((key, value)) = auth {
            let key = tonic::metadata::MetadataKey::from_bytes(key.as_bytes())
                .map_err(|e| tonic::Status::internal(e.to_string()))?;
            let value = value
                .parse()
                .map_err(|_| tonic::Status::internal("a token that is not ASCII"))?;
            request.metadata_mut().insert(key, value);
        }
        let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
        Ok(grpc.unary(request, path, codec).await?.into_inner())
    }

    /// Registers every task, workflow and launch plan of `registry` under
    /// `settings`' project, domain and version. An identical entity registered before
    /// counts as done; one with other contents under the same version is an error.
    ///
    /// For a fast-registered build, [`Remote::upload`] the program first and set
    /// `settings.fast` to [`FastSettings::new`](crate::idl::FastSettings::new)`(its URL, its SHA-256)`: each task's
    /// container then starts `fast-execute`, which fetches it, checks its digest, and
    /// runs its `execute` (the image's copy of the program is the bootstrap).
    pub async fn register(
        &self,
        registry: &Registry,
        settings: &SerializationSettings,
    ) -> Result<Registered, RemoteError> {
        let messages = registry.package_messages(settings)?;
        self.register_messages(messages).await
    }

    async fn register_messages(
        &self,
        messages: Vec<(String, PackageMessage)>,
    ) -> Result<Registered, RemoteError> {
        let mut done = Registered::default();
        for (_, message) in messages {
            let (kind, method, id, created) = match message {
                PackageMessage::Task(spec) => {
                    let id = spec.template.as_ref().and_then(|t| t.id.clone());
                    let request = api::TaskCreateRequest {
                        id: id.clone(),
                        spec: Some(*spec),
                    };
                    (
                        "task",
                        "CreateTask",
                        id,
                        self.call::<_, api::Empty>("CreateTask", request).await,
                    )
                }
                PackageMessage::Workflow(spec) => {
                    let id = spec.template.as_ref().and_then(|t| t.id.clone());
                    let request = api::WorkflowCreateRequest {
                        id: id.clone(),
                        spec: Some(*spec),
                    };
                    (
                        "workflow",
                        "CreateWorkflow",
                        id,
                        self.call::<_, api::Empty>("CreateWorkflow", request).await,
                    )
                }
                PackageMessage::LaunchPlan(plan) => {
                    let request = api::LaunchPlanCreateRequest {
                        id: plan.id.clone(),
                        spec: plan.spec.clone(),
                    };
                    (
                        "launch plan",
                        "CreateLaunchPlan",
                        plan.id.clone(),
                        self.call::<_, api::Empty>("CreateLaunchPlan", request)
                            .await,
                    )
                }
            };
            let id = id.unwrap_or_default();
            match created {
                Ok(_) => done.created += 1,
                Err(s) if s.code() == tonic::Code::AlreadyExists => done.existing += 1,
                Err(s)
                    if s.code() == tonic::Code::InvalidArgument
                        && s.message().contains("different structure") =>
                {
                    return Err(RemoteError::Different {
                        kind,
                        name: id.name,
                        version: id.version,
                    });
                }
                Err(status) => {
                    return Err(RemoteError::Call {
                        call: method,
                        what: format!("{kind} `{}`", id.name),
                        status: Box::new(status),
                    });
                }
            }
        }
        Ok(done)
    }

    /// Makes a registered launch plan active (its schedule runs).
    pub async fn activate(&self, plan: &Identifier) -> Result<(), RemoteError> {
        let request = api::LaunchPlanUpdateRequest {
            id: Some(plan.clone()),
            state: 1,
        };
        self.call::<_, api::Empty>("UpdateLaunchPlan", request)
            .await
            .map(|_| ())
            .map_err(call_failed(
                "UpdateLaunchPlan",
                format!("launch plan `{}`", plan.name),
            ))
    }
}
