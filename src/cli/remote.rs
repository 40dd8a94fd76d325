//! `register`, `run --remote` and `fetch`: this program's entities registered on a
//! Flyte cluster through flyteadmin, an execution launched there and waited for, and
//! an execution's state and outputs (feature `remote`).

use std::io::Write;
use std::time::Duration;

use clap::Args;
use flytekit_core::idl::{FastSettings, SerializationSettings};
use flytekit_core::remote::{Registered, Remote, RemoteConfig, WorkflowExecutionIdentifier};
use flytekit_core::types::Literal;
use sha2::{Digest, Sha256};

use super::fast::ThisBuild;
use super::{App, CliError};
use crate::digest::hex;

/// Where flyteadmin is, and the project and domain asked about.
#[derive(Args, Default)]
pub(crate) struct ConnectArgs {
    /// flyteadmin's address, `host:port` (default: $FLYTE_PLATFORM_URL).
    #[arg(long)]
    endpoint: Option<String>,
    /// Plain HTTP/2, no TLS (default: $FLYTE_PLATFORM_INSECURE).
    #[arg(long)]
    insecure: bool,
    /// Flyte project.
    #[arg(long, default_value = "flytesnacks")]
    project: String,
    /// Flyte domain.
    #[arg(long, default_value = "development")]
    domain: String,
    /// Forget the sign-in tokens kept in the system's keyring for this endpoint
    /// first, and sign in again.
    #[arg(long)]
    logout: bool,
}

/// Where flyteadmin is, and what to register there.
#[derive(Args, Default)]
pub(super) struct ClusterArgs {
    #[command(flatten)]
    connect: ConnectArgs,
    /// The image holding this program (`FQN:TAG`, `NAME=FQN:TAG` for named images);
    /// needed to register.
    #[arg(long = "image")]
    images: Vec<String>,
    /// The version to register under (default: a digest of this binary and of the
    /// specs, so an unchanged program registers nothing new).
    #[arg(long)]
    version: Option<String>,
    #[command(flatten)]
    pub(super) ship: super::image::ShipArgs,
}

impl ConnectArgs {
    /// The project asked about.
    pub(super) fn project(&self) -> &str {
        &self.project
    }

    /// The domain asked about.
    pub(super) fn domain(&self) -> &str {
        &self.domain
    }

    /// The execution `name` in this project and domain.
    pub(super) fn execution(&self, name: &str) -> WorkflowExecutionIdentifier {
        WorkflowExecutionIdentifier {
            project: self.project.clone(),
            domain: self.domain.clone(),
            name: name.to_string(),
            org: String::new(),
        }
    }

    /// The config file and environment (as flytectl and pyflyte read them), with
    /// `--endpoint` and `--insecure` over them.
    pub(super) fn config(&self) -> Result<RemoteConfig, CliError> {
        let loaded = RemoteConfig::load();
        let config = match (&self.endpoint, loaded) {
            (Some(endpoint), Ok(mut config)) => {
                config.endpoint = endpoint.clone();
                config
            }
            (Some(endpoint), Err(flytekit_core::remote::RemoteError::NoEndpoint)) => {
                RemoteConfig::new(endpoint.clone())
            }
            (_, Err(e)) => return Err(e.into()),
            (None, Ok(config)) => config,
        };
        let insecure = config.insecure || self.insecure;
        if self.logout {
            config.logout();
        }
        Ok(config.insecure(insecure))
    }
}

impl ClusterArgs {
    /// Builds and pushes the images `--image` asks for with `auto`.
    pub(super) async fn resolve_auto(&mut self, err: &mut dyn Write) -> Result<(), CliError> {
        super::image::resolve_auto(&mut self.images, &self.ship, err).await
    }

    /// The settings to register with; the version derived when not given.
    fn settings(
        &self,
        app: &App,
        build: Option<&ThisBuild>,
    ) -> Result<SerializationSettings, CliError> {
        if self.images.is_empty() {
            return Err(CliError::Image(
                "registering needs the image holding this program: --image FQN:TAG".to_string(),
            ));
        }
        let (image, images) = super::package::images(&self.images)?;
        let mut settings = SerializationSettings {
            project: self.connect.project.clone(),
            domain: self.connect.domain.clone(),
            version: String::new(),
            image,
            images,
            entrypoint: self.ship.entrypoint(),
            fast: None,
        };
        settings.version = match (&self.version, build) {
            (Some(v), _) => v.clone(),
            (None, Some(build)) => derived_version(app, &settings, build)?,
            (None, None) => unreachable!("flyte bug: a derived version needs this build read"),
        };
        Ok(settings)
    }

    /// Connects, and registers what is missing: with `fast` (the destination folder
    /// in the task's container), this build is uploaded first and the tasks start it
    /// through `fast-execute`.
    async fn register(
        &self,
        app: &App,
        fast: Option<&str>,
    ) -> Result<(Remote, SerializationSettings, Registered), CliError> {
        // A fast registration ships the program, so it is checked for the pods first;
        // a derived version only needs its bytes.
        let build = match fast {
            Some(_) => Some(ThisBuild::checked(self.ship.program()?.clone())),
            None if self.version.is_none() => Some(ThisBuild::read(self.ship.binary.as_deref())?),
            None => None,
        };
        let mut settings = self.settings(app, build.as_ref())?;
        app.check_tasks(&settings)?;
        let remote = Remote::connect(self.connect.config()?).await?;
        if let (Some(build), Some(dest_dir)) = (build, fast) {
            let digest = build.digest.clone();
            let distribution = remote
                .upload(
                    &settings.project,
                    &settings.domain,
                    &build.name,
                    build.bytes,
                )
                .await?;
            let mut fast = FastSettings::new(distribution, digest);
            fast.dest_dir = dest_dir.to_string();
            settings.fast = Some(fast);
        }
        let done = remote.register(&app.registry, &settings).await?;
        Ok((remote, settings, done))
    }
}

/// `rs-` and 16 hex digits of a SHA-256 of this binary's digest and of the specs it
/// registers (written with an empty version): a new build or a changed spec is a new
/// version.
fn derived_version(
    app: &App,
    settings: &SerializationSettings,
    build: &ThisBuild,
) -> Result<String, CliError> {
    let mut digest = Sha256::new();
    digest.update(build.digest.as_bytes());
    for (name, bytes) in app.registry.package_files(settings)? {
        digest.update(name.as_bytes());
        digest.update(&bytes);
    }
    Ok(format!("rs-{}", hex(&digest.finalize()[..8])))
}

/// The options of one execution, as pyflyte's `run --remote` takes them.
#[derive(Args, Default)]
pub(super) struct LaunchArgs {
    /// The execution's name (default: one flyteadmin makes up).
    #[arg(long, requires = "remote")]
    name: Option<String>,
    /// A Kubernetes label of the execution's pods, `KEY=VALUE` (repeat for more).
    #[arg(long = "labels", value_name = "KEY=VALUE", requires = "remote")]
    labels: Vec<String>,
    /// A Kubernetes annotation of its pods, `KEY=VALUE` (repeat for more).
    #[arg(long = "annotations", value_name = "KEY=VALUE", requires = "remote")]
    annotations: Vec<String>,
    /// An environment variable of its tasks, `NAME=VALUE` (repeat for more).
    #[arg(long = "env", value_name = "NAME=VALUE", requires = "remote")]
    envs: Vec<String>,
    /// The Kubernetes service account it runs as.
    #[arg(long, requires = "remote")]
    service_account: Option<String>,
    /// Where its tasks write their data (`s3://bucket/raw`).
    #[arg(long, requires = "remote")]
    raw_output_data_prefix: Option<String>,
    /// How many nodes run at once.
    #[arg(long, requires = "remote")]
    max_parallelism: Option<u32>,
    /// The cluster pool it runs in.
    #[arg(long, requires = "remote")]
    cluster_pool: Option<String>,
    /// A tag (repeat for more).
    #[arg(long = "tags", value_name = "TAG", requires = "remote")]
    tags: Vec<String>,
}

impl LaunchArgs {
    /// The options to launch with; `overwrite_cache` is `run`'s own flag.
    pub(super) fn options(
        &self,
        overwrite_cache: bool,
    ) -> Result<flytekit_core::remote::LaunchOptions, CliError> {
        let pairs = |flag: &str, given: &[String]| -> Result<Vec<(String, String)>, CliError> {
            given
                .iter()
                .map(|p| match p.split_once('=') {
                    Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
                    _ => Err(CliError::Input {
                        input: format!("--{flag}"),
                        reason: format!("`{p}` is not `KEY=VALUE`"),
                        source: None,
                    }),
                })
                .collect()
        };
        Ok(flytekit_core::remote::LaunchOptions {
            name: self.name.clone().unwrap_or_default(),
            labels: pairs("labels", &self.labels)?,
            annotations: pairs("annotations", &self.annotations)?,
            envs: pairs("env", &self.envs)?,
            service_account: self.service_account.clone(),
            raw_output_data_prefix: self.raw_output_data_prefix.clone(),
            overwrite_cache,
            max_parallelism: self.max_parallelism,
            cluster_pool: self.cluster_pool.clone(),
            tags: self.tags.clone(),
        })
    }
}

/// `register`'s arguments.
#[derive(Args)]
pub(super) struct RegisterArgs {
    #[command(flatten)]
    pub(super) cluster: ClusterArgs,
    /// Make every registered launch plan active (their schedules start).
    #[arg(long)]
    activate_launchplans: bool,
    /// Ship this build instead of a new image: upload the binary through the data
    /// proxy and have each task's container fetch it (`fast-execute`), check its
    /// SHA-256 and run it. The image only needs a build of this program (any
    /// version) as the bootstrap, at the entrypoint path.
    #[arg(long)]
    fast: bool,
    /// With `--fast`: the folder of the task's container the build goes into
    /// (pyflyte's `--destination-dir`).
    #[arg(long, requires = "fast", default_value = ".")]
    destination_dir: String,
}

/// `fetch`'s arguments.
#[derive(Args)]
pub(super) struct FetchArgs {
    /// The execution's name.
    execution: String,
    /// Also each node's phase, attempts, duration, error and log links.
    #[arg(long)]
    nodes: bool,
    /// One node's inputs and outputs instead (its id, as `--nodes` lists it).
    #[arg(long, conflicts_with = "nodes")]
    node: Option<String>,
    /// Also write the execution's run report, the page `run --report` writes, to
    /// this HTML file (the workflow must be in this program: the page draws its
    /// graph).
    #[arg(long, value_name = "FILE")]
    report: Option<std::path::PathBuf>,
    #[command(flatten)]
    connect: ConnectArgs,
}

/// How `run --remote` goes: launched, then waited for or not.
pub(super) struct RemoteRun<'a> {
    pub(super) cluster: &'a ClusterArgs,
    /// Wait, asking this often.
    pub(super) wait: Option<Duration>,
    /// The launch plan's name.
    pub(super) plan: String,
    /// The inputs to send (the plan's fixed ones left out).
    pub(super) inputs: Vec<(String, Literal)>,
    pub(super) spec: &'static flytekit_core::workflow::WorkflowSpec,
    pub(super) output: super::outputs::OutputFormat,
    /// Ship this build (`--fast`), as `register --fast`.
    pub(super) fast: bool,
    /// The execution's options.
    pub(super) options: flytekit_core::remote::LaunchOptions,
}

impl App {
    /// `register`: every task, workflow and launch plan, under one version.
    pub(super) async fn register(
        &self,
        args: RegisterArgs,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let (remote, settings, done) = args
            .cluster
            .register(self, args.fast.then_some(args.destination_dir.as_str()))
            .await?;
        if args.activate_launchplans {
            for plan in self.registry.launch_plans() {
                remote
                    .activate(&settings.launch_plan_id(&plan.name))
                    .await?;
            }
        }
        writeln!(
            out,
            "registered version {} in {}/{}: {} new, {} already there",
            settings.version, settings.project, settings.domain, done.created, done.existing
        )
        .map_err(super::console)
    }

    /// `run --remote`: registers what is missing, launches, prints the console URL,
    /// and with `--wait` the outputs as a local run prints them.
    pub(super) async fn run_remote(
        &self,
        run: RemoteRun<'_>,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let (remote, settings, _) = run.cluster.register(self, run.fast.then_some(".")).await?;
        let mut given = run.inputs;
        for (_, literal) in &mut given {
            upload_local_files(&remote, &settings, literal).await?;
        }
        let inputs = flytekit_core::idl::literal_map(given.iter().map(|(n, l)| (n.as_str(), l)));
        let id = remote
            .launch_with(&settings.launch_plan_id(&run.plan), inputs, &run.options)
            .await?;
        writeln!(out, "execution {}: {}", id.name, remote.console_url(&id))
            .map_err(super::console)?;
        let Some(poll) = run.wait else {
            return Ok(());
        };
        let outputs = remote.wait(&id, poll, None).await?;
        print_remote_outputs(run.spec, &outputs, run.output, out)
    }

    /// `fetch`: an execution's phase, and its outputs or error.
    pub(super) async fn fetch(&self, args: FetchArgs, out: &mut dyn Write) -> Result<(), CliError> {
        let remote = Remote::connect(args.connect.config()?).await?;
        let id = args.connect.execution(&args.execution);
        if let Some(node) = &args.node {
            return self.print_node_data(&remote, &id, node, out).await;
        }
        let phase = remote.phase(&id).await?;
        writeln!(out, "execution {}: {phase}", id.name).map_err(super::console)?;
        if args.nodes {
            self.print_nodes(&remote, &id, out).await?;
        }
        if let Some(file) = &args.report {
            self.remote_report(&remote, &id, file, out).await?;
        }
        if !phase.is_terminal() {
            return Ok(());
        }
        // Ended: its outputs, or its error.
        let outputs = remote.wait(&id, Duration::ZERO, None).await?;
        let mut names: Vec<&String> = outputs.literals.keys().collect();
        names.sort();
        for name in names {
            let value = flytekit_core::idl::literal_from_idl(&outputs.literals[name])?;
            writeln!(out, "{name} = {value}").map_err(super::console)?;
        }
        Ok(())
    }
}

/// A file or folder input on this machine (also inside a list, map or union) goes to
/// the cluster through the data proxy, as pyflyte sends it; the input then names it
/// there.
async fn upload_local_files(
    remote: &Remote,
    settings: &SerializationSettings,
    literal: &mut Literal,
) -> Result<(), CliError> {
    let (uri, ty) = match literal {
        Literal::Union { value, .. } => {
            return Box::pin(upload_local_files(remote, settings, value)).await;
        }
        Literal::Collection(items) => {
            for item in items {
                Box::pin(upload_local_files(remote, settings, item)).await?;
            }
            return Ok(());
        }
        Literal::Map(entries) => {
            for value in entries.values_mut() {
                Box::pin(upload_local_files(remote, settings, value)).await?;
            }
            return Ok(());
        }
        Literal::Blob { uri, ty, .. } => (uri, ty),
        _ => return Ok(()),
    };
    let local = match uri.strip_prefix("file://") {
        Some(path) => path.to_string(),
        None if !uri.contains("://") => uri.clone(),
        None => return Ok(()),
    };
    let (project, domain) = (&settings.project, &settings.domain);
    *uri = if ty.dimensionality == flytekit_core::types::BlobDimensionality::Multipart {
        remote
            .upload_folder(project, domain, std::path::Path::new(&local))
            .await?
    } else {
        let bytes = std::fs::read(&local).map_err(|source| CliError::Io {
            path: local.clone().into(),
            source,
        })?;
        let name = std::path::Path::new(&local)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".to_string());
        remote.upload(project, domain, &name, bytes).await?
    };
    Ok(())
}

/// A remote execution's outputs, printed in the workflow's output order.
fn print_remote_outputs(
    spec: &flytekit_core::workflow::WorkflowSpec,
    outputs: &flytekit_core::idl::core::LiteralMap,
    format: super::outputs::OutputFormat,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut values = Vec::new();
    for var in &spec.interface.outputs {
        let literal = outputs
            .literals
            .get(&var.name)
            .ok_or_else(|| CliError::MissingOutput(var.name.clone()))?;
        values.push(flytekit_core::idl::literal_from_idl(literal)?);
    }
    super::outputs::print_outputs(spec, &values, format, out).map_err(super::console)
}
