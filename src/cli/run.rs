//! `run`: a workflow or launch plan run locally, with inputs from the command line,
//! a progress line, the node table and the outputs.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use flytekit_core::execution::{Report, RunOptions, RunSummary};
use flytekit_core::launch_plan::merge_inputs;
use flytekit_core::types::{Literal, literal_from_text};

use super::outputs::{OutputFormat, print_outputs};
use super::{App, CliError};

#[derive(Args)]
pub(super) struct RunArgs {
    /// The workflow, launch plan or task (its full name, or the last part when that
    /// is unique); a task runs alone, as `pyflyte run` runs one.
    workflow: String,
    /// An input value, as `name=value` (repeat for each input).
    #[arg(short, long = "input", value_name = "NAME=VALUE")]
    inputs: Vec<std::ffi::OsString>,
    /// A gate's signal, as `name=value`: the input a `wait_for_input` gate waits for,
    /// or `true`/`false` for an `approve` gate (repeat for each). A signal not given
    /// is asked for when stdin is a terminal.
    #[arg(long = "signal", value_name = "NAME=VALUE")]
    signals: Vec<String>,
    /// Run cached tasks without reading or writing the cache.
    #[arg(long, conflicts_with = "overwrite_cache")]
    no_cache: bool,
    /// Run cached tasks again and replace what is cached.
    #[arg(long)]
    overwrite_cache: bool,
    /// The cache folder (default: $FLYTE_CACHE_DIR, or flyte-rs in the user cache).
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Where files returned by tasks are uploaded (a folder or an object-store URL).
    #[arg(long)]
    raw_output_prefix: Option<String>,
    /// The live progress line on stderr: when stdout and stderr are terminals, always,
    /// or never.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    progress: ProgressMode,
    /// Writes the run's report to this HTML file when the run ends (also when it
    /// fails or is stopped): the graph by status, a timeline of attempts, each node's
    /// values, errors and decks. One self-contained page; open it in a browser.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// How the outputs are printed on stdout: `name = value` lines, or one JSON
    /// object for scripts.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    output: OutputFormat,
    /// Run on the Flyte cluster instead: register what is missing, launch, print the
    /// execution's console URL.
    #[cfg(feature = "remote")]
    #[arg(long)]
    pub(super) remote: bool,
    /// With `--remote`: wait for the execution and print its outputs.
    #[cfg(feature = "remote")]
    #[arg(long, requires = "remote")]
    wait: bool,
    /// With `--wait`: how often to ask flyteadmin (`5s`, `500ms`).
    #[cfg(feature = "remote")]
    #[arg(long, requires = "wait", default_value = "5s", value_parser = humantime::parse_duration)]
    poll: std::time::Duration,
    /// With `--remote`: ship this build instead of a new image, as `register --fast`.
    #[cfg(feature = "remote")]
    #[arg(long, requires = "remote")]
    fast: bool,
    #[cfg(feature = "remote")]
    #[command(flatten)]
    pub(super) cluster: super::remote::ClusterArgs,
    #[cfg(feature = "remote")]
    #[command(flatten)]
    launch: super::remote::LaunchArgs,
}

/// The command line's settings for a run, and a launch plan's where it says nothing:
/// the cache, signals for gates (and a prompt on a terminal), the raw prefix.
fn run_settings(
    mut options: RunOptions,
    args: &RunArgs,
    plan: Option<&flytekit_core::launch_plan::LaunchPlanSettings>,
) -> Result<RunOptions, CliError> {
    if args.no_cache {
        options = options.no_cache();
    }
    if let Some(dir) = &args.cache_dir {
        options = options.cache_dir(dir.clone());
    }
    for signal in &args.signals {
        let Some((name, value)) = signal.split_once('=') else {
            return Err(CliError::Input {
                input: flytekit_core::types::preview(signal),
                reason: "write a signal as `name=value`".to_string(),
                source: None,
            });
        };
        options = options.signal_text(name, value);
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        options = options.signal_prompt(std::sync::Arc::new(prompt_for_signal));
    }
    // A launch plan's settings apply where the command line says nothing.
    if args.overwrite_cache || (plan.is_some_and(|p| p.overwrite_cache()) && !args.no_cache) {
        options = options.overwrite_cache();
    }
    match (
        args.raw_output_prefix.clone(),
        plan.and_then(|p| p.raw_output_prefix()),
    ) {
        (Some(prefix), _) => options = options.raw_output_prefix(prefix),
        (None, Some(prefix)) => options = options.raw_output_prefix(prefix),
        (None, None) => {}
    }
    Ok(options)
}

/// Asks on the terminal for a gate's signal.
fn prompt_for_signal(name: &str, ty: &flytekit_core::types::LiteralType) -> Option<String> {
    use std::io::BufRead;
    eprint!("signal `{name}` ({ty}): ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\r', '\n']).to_string()),
    }
}

/// Where `run`'s inputs come from besides the command line.
struct Source<'a> {
    workflow: &'static dyn flytekit_core::workflow::DynWorkflow,
    fixed: std::collections::BTreeMap<String, Literal>,
    defaults: std::collections::BTreeMap<String, Literal>,
    plan: Option<&'a flytekit_core::launch_plan::LaunchPlanSettings>,
}

/// What `run` runs: the workflow, each input's value, and the launch plan's settings
/// when it names a plan.
struct Resolved<'a> {
    workflow: &'static dyn flytekit_core::workflow::DynWorkflow,
    literals: Vec<Literal>,
    plan: Option<&'a flytekit_core::launch_plan::LaunchPlanSettings>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ProgressMode {
    Auto,
    Always,
    Never,
}

impl App {
    /// The workflow or launch plan `name`: what it runs, what it fixes, its defaults
    /// (for a scheduled plan, now for the kickoff input) and the plan's settings.
    fn source(&self, name: &str) -> Result<Source<'_>, CliError> {
        let (workflow, fixed, defaults, plan) = match self.registry.find_workflow(name) {
            Some(w) => {
                let spec = w.spec();
                let defaults = spec
                    .interface
                    .inputs
                    .iter()
                    .zip(&spec.defaults)
                    .filter_map(|(v, d)| Some((v.name.clone(), d.clone()?)))
                    .collect();
                (w, Default::default(), defaults, None)
            }
            None => match self.registry.find_launch_plan(name) {
                Some(p) => {
                    let mut defaults = p.defaults.clone();
                    // What the scheduler would pass: the time of this run.
                    if let Some(kickoff) = p
                        .settings
                        .schedule()
                        .and_then(|s| s.kickoff_input.as_deref())
                    {
                        let now =
                            flytekit_core::types::Primitive::Datetime(std::time::SystemTime::now());
                        defaults.insert(kickoff.to_string(), Literal::Primitive(now));
                    }
                    (p.workflow, p.fixed.clone(), defaults, Some(&p.settings))
                }
                // A task alone, as `pyflyte run` runs one.
                None => match self.registry.find_task_named(name) {
                    Some(task) => (
                        flytekit_core::workflow::task_workflow(task),
                        Default::default(),
                        Default::default(),
                        None,
                    ),
                    None => return Err(self.unknown(name)),
                },
            },
        };
        Ok(Source {
            workflow,
            fixed,
            defaults,
            plan,
        })
    }

    /// The workflow `run` names (or its launch plan's) and the value of each of its
    /// inputs: from `--input`, else fixed by the plan, else a default.
    fn resolve(&self, args: &RunArgs) -> Result<Resolved<'_>, CliError> {
        let Source {
            workflow,
            fixed,
            defaults,
            plan,
        } = self.source(&args.workflow)?;
        let spec = workflow.spec();
        let mut given: std::collections::BTreeMap<String, Literal> = Default::default();
        for arg in &args.inputs {
            let arg = utf8_input(arg)?;
            let Some((name, text)) = arg.split_once('=') else {
                return Err(CliError::Input {
                    input: flytekit_core::types::preview(arg),
                    reason: "write it as `name=value`".to_string(),
                    source: None,
                });
            };
            let input_error = |reason: String, source| CliError::Input {
                input: name.to_string(),
                reason,
                source,
            };
            let Some(var) = spec.interface.inputs.iter().find(|v| v.name == name) else {
                let names = spec.interface.input_names();
                return Err(input_error(
                    format!(
                        "`{}` takes no such input{} (it takes: {})",
                        spec.name,
                        flytekit_core::types::did_you_mean(name, names.iter().copied()),
                        names.join(", ")
                    ),
                    None,
                ));
            };
            if fixed.contains_key(name) {
                return Err(input_error(
                    "the launch plan fixes this input".to_string(),
                    None,
                ));
            }
            if given.contains_key(name) {
                return Err(input_error("given twice".to_string(), None));
            }
            let literal = literal_from_text(&var.ty, text).map_err(|e| {
                // The value's own error quotes it (cut short), so it is not quoted here.
                input_error(format!("not a {}", var.ty), Some(Box::new(e)))
            })?;
            given.insert(name.to_string(), literal);
        }
        let given: Vec<(String, Literal)> = given.into_iter().collect();
        // An `Option` input left out is `None`, as a Python `Optional[..] = None`.
        let mut defaults = defaults;
        for var in &spec.interface.inputs {
            if is_optional(&var.ty) && !defaults.contains_key(&var.name) {
                defaults.insert(var.name.clone(), none_literal());
            }
        }
        let literals =
            merge_inputs(&spec.interface, &given, &fixed, &defaults).map_err(|names| {
                let typed = names.iter().filter_map(|n| {
                    let var = spec.interface.inputs.iter().find(|v| v.name == *n)?;
                    Some(format!("`{}` ({})", var.name, var.ty))
                });
                CliError::MissingInputs(typed.collect())
            })?;
        Ok(Resolved {
            workflow,
            literals,
            plan,
        })
    }

    pub(super) async fn run_workflow(
        &self,
        args: RunArgs,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), CliError> {
        let Resolved {
            workflow,
            literals,
            plan,
        } = self.resolve(&args)?;
        let spec = workflow.spec();
        #[cfg(feature = "remote")]
        if args.remote {
            return self
                .run_remote(self.remote_run(&args, spec, &literals)?, out)
                .await;
        }
        check_files(spec, &literals).await?;
        let summary = std::sync::Arc::new(RunSummary::default());
        let progress = std::sync::Arc::new(match args.progress {
            ProgressMode::Auto => crate::progress::Progress::for_terminal(spec),
            ProgressMode::Always => crate::progress::Progress::new(spec, true),
            ProgressMode::Never => crate::progress::Progress::new(spec, false),
        });
        let report = args
            .report
            .as_ref()
            .map(|path| std::sync::Arc::new(Report::to_file(path)));
        let mut options = RunOptions::default()
            .observe(summary.clone())
            .observe(progress.clone());
        if let Some(report) = &report {
            options = options.observe(report.clone());
        }
        options = run_settings(options, &args, plan)?;
        // Plain-fn bodies go to the blocking pool, so this task stays free to see a
        // signal while they run.
        let options = options.cancellable();
        let run = flytekit_core::execution::run_workflow_literals(workflow, &literals, &options);
        // Ctrl-C or SIGTERM drops the run: spawned tasks are aborted, async attempts
        // cancelled at their next await. A cache entry is only ever renamed into place
        // whole, so none is left half-written.
        let result = tokio::select! {
            // Polled first, so the handlers are in place before any task starts.
            biased;
            signal = super::signals::stop_requested() => Err(signal),
            result = run => Ok(result),
        };
        progress.finish();
        let console = |source| CliError::Io {
            path: PathBuf::from("<stdout>"),
            source,
        };
        if let Err(signal) = &result {
            summary.cancel_running();
            if let Some(report) = &report {
                report.stopped(&format!("stopped by {}", signal.name()));
            }
        }
        writeln!(err, "{summary}").map_err(console)?;
        if let Some(report) = &report {
            say_where(report, err).map_err(console)?;
        }
        let result = result.map_err(|signal| CliError::Interrupted {
            running: progress.counts().running,
            signal,
        })?;
        let outputs = result.map_err(|e| CliError::Run(Box::new(e)))?;
        print_outputs(spec, &outputs, args.output, out).map_err(console)
    }
}

#[cfg(feature = "remote")]
impl App {
    /// What `run --remote` launches: the named launch plan, or the workflow's default
    /// one (named as the workflow); every input but those the plan fixes.
    fn remote_run<'a>(
        &self,
        args: &'a RunArgs,
        spec: &'static flytekit_core::workflow::WorkflowSpec,
        literals: &[Literal],
    ) -> Result<super::remote::RemoteRun<'a>, CliError> {
        let plan = self.registry.find_launch_plan(&args.workflow);
        let fixed = plan.map(|p| &p.fixed);
        let inputs = spec
            .interface
            .inputs
            .iter()
            .zip(literals)
            .filter(|(var, _)| !fixed.is_some_and(|f| f.contains_key(&var.name)))
            .map(|(var, l)| (var.name.clone(), l.clone()))
            .collect();
        Ok(super::remote::RemoteRun {
            cluster: &args.cluster,
            wait: args.wait.then_some(args.poll),
            plan: plan.map_or_else(|| spec.name.clone(), |p| p.name.clone()),
            inputs,
            spec,
            output: args.output,
            fast: args.fast,
            options: args.launch.options(args.overwrite_cache)?,
        })
    }
}

/// Where the report went, or why it could not be written.
fn say_where(report: &Report, err: &mut dyn Write) -> std::io::Result<()> {
    match report.written() {
        Some(Ok(path)) => writeln!(err, "report: {}", path.display()),
        Some(Err(e)) => writeln!(err, "the report could not be written: {e}"),
        None => Ok(()),
    }
}

/// Fails before the run when a file or folder input is not there or cannot be read
/// (no credentials for its bucket, say), naming the input, rather than when the task
/// that reads it runs. Folders are checked by listing; an empty listing is allowed
/// (an empty folder is a folder).
async fn check_files(
    spec: &flytekit_core::workflow::WorkflowSpec,
    literals: &[Literal],
) -> Result<(), CliError> {
    use flytekit_core::types::BlobDimensionality;
    let files = flytekit_core::data::FileAccess::shared();
    for (var, literal) in spec.interface.inputs.iter().zip(literals) {
        let literal = match literal {
            Literal::Union { value, .. } => value,
            other => other,
        };
        let Literal::Blob { uri, ty, .. } = literal else {
            continue;
        };
        let found = match ty.dimensionality {
            BlobDimensionality::Single => files.exists(uri).await,
            BlobDimensionality::Multipart => files.list(uri).await.map(|_| true),
        };
        let reason = match found {
            Ok(true) => continue,
            Ok(false) => format!("no file at `{uri}`"),
            Err(e) => format!(
                "cannot read `{uri}`: {}",
                flytekit_core::task::ErrorChain::new(&e)
            ),
        };
        return Err(CliError::Input {
            input: var.name.clone(),
            reason,
            source: None,
        });
    }
    Ok(())
}

/// pyflyte's habit: after `run`, `--tag nightly` (or `--tag=nightly`) where `tag` is
/// not one of `run`'s own options means `--input tag=nightly`.
pub(super) fn inputs_as_flags(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    // `run` is the subcommand right after the program's name (there are no global
    // options), so `graph run --format dot` is left alone.
    if args.get(1).is_none_or(|a| a != "run") {
        return args;
    }
    let at = 1;
    let cli = super::Cli::command();
    let Some(run) = cli.find_subcommand("run") else {
        return args;
    };
    // `run`'s own long options, and whether each takes a value.
    let own: Vec<(String, bool)> = run
        .get_arguments()
        .filter_map(|a| {
            let takes_value = a.get_action().takes_values();
            a.get_long().map(|l| (l.to_string(), takes_value))
        })
        .chain([("help".to_string(), false)])
        .collect();
    let mut out: Vec<std::ffi::OsString> = args[..=at].to_vec();
    let mut rest = args[at + 1..].iter();
    while let Some(arg) = rest.next() {
        let Some(flag) = arg.to_str().and_then(|a| a.strip_prefix("--")) else {
            out.push(arg.clone());
            continue;
        };
        if flag.is_empty() {
            // `--`: everything after it is as written.
            out.push(arg.clone());
            out.extend(rest.cloned());
            break;
        }
        let (name, inline_value) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        match own.iter().find(|(long, _)| long == name) {
            Some((_, takes_value)) => {
                out.push(arg.clone());
                if *takes_value
                    && inline_value.is_none()
                    && let Some(value) = rest.next()
                {
                    out.push(value.clone());
                }
            }
            None => {
                let value = match inline_value {
                    Some(v) => Some(std::ffi::OsString::from(v)),
                    None => rest.next().cloned(),
                };
                let Some(value) = value else {
                    // No value: clap says what is wrong with it.
                    out.push(arg.clone());
                    continue;
                };
                let mut input = std::ffi::OsString::from(format!("{name}="));
                input.push(value);
                out.push("--input".into());
                out.push(input);
            }
        }
    }
    out
}

/// Whether values of `ty` may be none (`Option<T>`).
fn is_optional(ty: &flytekit_core::types::LiteralType) -> bool {
    use flytekit_core::types::{LiteralType, SimpleType};
    matches!(ty, LiteralType::Union(variants) if variants.contains(&LiteralType::Simple(SimpleType::None)))
}

/// `None` of an `Option` input.
fn none_literal() -> Literal {
    use flytekit_core::types::{LiteralType, SimpleType};
    Literal::Union {
        value: Box::new(Literal::None),
        variant: LiteralType::Simple(SimpleType::None),
    }
}

/// An `--input` argument as text, or an error naming the input whose value is not
/// UTF-8 (clap's own message names neither).
fn utf8_input(arg: &std::ffi::OsStr) -> Result<&str, CliError> {
    arg.to_str().ok_or_else(|| {
        let lossy = arg.to_string_lossy();
        let (input, reason) = match lossy.split_once('=') {
            Some((name, _)) => (
                name.to_string(),
                "the value is not valid UTF-8 (Flyte strings are UTF-8; pass a file path for bytes)",
            ),
            None => (
                lossy.to_string(),
                "the argument is not valid UTF-8; write it as `name=value`",
            ),
        };
        CliError::Input {
            input: flytekit_core::types::preview(&input),
            reason: reason.to_string(),
            source: None,
        }
    })
}

/// An input as `run --help` shows it: name, type, default (`None`: required).
type InputLine = (String, String, Option<String>);

/// `run NAME --help` (or `-h`): `run`'s own help, then NAME's inputs as the flags
/// that set them, each with its type and default, as `pyflyte run wf --help` shows
/// them. `None` when the arguments ask for no help of a known entity.
pub(super) fn inputs_help(app: &App, args: &[std::ffi::OsString]) -> Option<String> {
    use clap::CommandFactory;
    if args.get(1).is_none_or(|a| a != "run") || !args.iter().any(|a| a == "--help" || a == "-h") {
        return None;
    }
    let mut cli = super::Cli::command();
    let run = cli.find_subcommand_mut("run")?;
    let name = help_target(run, &args[2..])?;
    let (what, inputs) = inputs_of(app, name)?;
    let mut text = run.render_help().to_string();
    text.push_str(&format!(
        "\nInputs of {what} `{name}` (`--NAME VALUE`, or `--input NAME=VALUE`):\n"
    ));
    if inputs.is_empty() {
        text.push_str("  (none)\n");
    }
    let width = inputs.iter().map(|(n, _, _)| n.len()).max().unwrap_or(0);
    for (input, ty, default) in inputs {
        let default = match default {
            Some(d) => format!(" [default: {d}]"),
            None => " (required)".to_string(),
        };
        text.push_str(&format!("  --{input:<width$}  {ty}{default}\n"));
    }
    Some(text)
}

/// The entity `run --help` is asked about: the first word that is neither an option
/// nor the value of one of `run`'s options that take one (`--report FILE NAME`).
fn help_target<'a>(run: &clap::Command, words: &'a [std::ffi::OsString]) -> Option<&'a str> {
    let takes_value: Vec<String> = run
        .get_arguments()
        .filter(|a| a.get_action().takes_values())
        .flat_map(|a| {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|s| format!("-{s}"));
            long.into_iter().chain(short)
        })
        .collect();
    let mut words = words.iter().filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        if takes_value.iter().any(|o| o == word) {
            words.next();
        } else if !word.starts_with('-') {
            return Some(word);
        }
    }
    None
}

/// What `name` is (a launch plan, workflow or task) and its inputs a run sets.
fn inputs_of(app: &App, name: &str) -> Option<(&'static str, Vec<InputLine>)> {
    let registry = app.registry();
    if let Some(plan) = registry
        .find_launch_plan(name)
        .filter(|_| registry.find_workflow(name).is_none())
    {
        let spec = plan.workflow.spec();
        let open = spec
            .interface
            .inputs
            .iter()
            .filter(|v| !plan.fixed.contains_key(&v.name));
        let inputs = open
            .map(|v| {
                (
                    v.name.clone(),
                    v.ty.to_string(),
                    plan.defaults.get(&v.name).map(Literal::preview),
                )
            })
            .collect();
        return Some(("launch plan", inputs));
    }
    if let Some(wf) = registry.find_workflow(name) {
        let spec = wf.spec();
        let inputs = spec
            .interface
            .inputs
            .iter()
            .zip(&spec.defaults)
            .map(|(v, d)| {
                (
                    v.name.clone(),
                    v.ty.to_string(),
                    d.as_ref().map(Literal::preview),
                )
            })
            .collect();
        return Some(("workflow", inputs));
    }
    let task = registry.find_task_named(name)?;
    let inputs = task
        .interface()
        .inputs
        .iter()
        .map(|v| (v.name.clone(), v.ty.to_string(), None))
        .collect();
    Some(("task", inputs))
}
