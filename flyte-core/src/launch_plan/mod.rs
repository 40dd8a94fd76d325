//! Launch plans: a named way to run a workflow, with some inputs fixed and defaults
//! for others, runnable locally like the workflow itself.
//!
//! ```
//! # extern crate flytekit_core as flytekit;
//! use flytekit::launch_plan::LaunchPlan;
//! use flytekit::prelude::*;
//! # use flytekit_macros::{task, workflow};
//! use std::sync::LazyLock;
//!
//! #[task(crate = ::flytekit_core)]
//! fn greet(name: String, times: i64, punctuation: String) -> String {
//!     format!("{}{punctuation}", vec![name; times as usize].join(" "))
//! }
//!
//! #[workflow(crate = ::flytekit_core)]
//! fn greeting(name: String, #[default(1)] times: i64, punctuation: String) -> String {
//!     greet(name, times, punctuation)
//! }
//!
//! static LOUD: LazyLock<LaunchPlan<String>> = LazyLock::new(|| {
//!     LaunchPlan::builder("loud-greeting", &greeting {})
//!         .fixed("punctuation", "!".to_string())
//!         .default_input("times", 3i64)
//!         .build()
//!         .unwrap()
//! });
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! assert_eq!(LOUD.inputs().set("name", "hi".to_string()).run().await?, "hi hi hi!");
//! let once = LOUD.inputs().set("name", "yo".to_string()).set("times", 1i64).run().await?;
//! assert_eq!(once, "yo!");
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::marker::PhantomData;

mod call;
mod idl;
mod schedule;
mod settings;

pub use call::{CallableLaunchPlan, NotCallable};
use schedule::rate_in_units;
pub use schedule::{Schedule, ScheduleError, ScheduleKind};
pub use settings::{Channel, LaunchPlanSettings, Notification, Phase};

use crate::execution::executor::run_spec_values;
use crate::execution::{RunError, RunOptions};
use crate::interface::Interface;
use crate::types::{ConversionError, FlyteType, Inputs, Literal, Outputs, Value};
use crate::workflow::{DynWorkflow, Workflow, WorkflowSpec};

/// A launch plan could not be built or its inputs could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchPlanError {
    /// The workflow has no input of that name.
    #[error("launch plan `{plan}`: workflow `{workflow}` has no input `{input}` (inputs: {known})")]
    UnknownInput {
        /// The launch plan.
        plan: String,
        /// Its workflow.
        workflow: String,
        /// The name given.
        input: String,
        /// The workflow's input names.
        known: String,
    },
    /// A value does not have the input's type.
    #[error("launch plan `{plan}`")]
    WrongType {
        /// The launch plan.
        plan: String,
        /// What was wrong with the value.
        #[source]
        source: Box<ConversionError>,
    },
    /// A fixed input was given a value at run time.
    #[error("launch plan `{plan}` fixes input `{input}`; it cannot be set when running")]
    FixedInput {
        /// The launch plan.
        plan: String,
        /// The input.
        input: String,
    },
    /// Inputs without a value or a default.
    #[error("launch plan `{plan}` needs a value for {}", quoted(.inputs))]
    MissingInputs {
        /// The launch plan.
        plan: String,
        /// The inputs with no value.
        inputs: Vec<String>,
    },
    /// The schedule cannot be used with this workflow.
    #[error("launch plan `{plan}`: schedule")]
    Schedule {
        /// The launch plan.
        plan: String,
        /// What is wrong.
        #[source]
        source: ScheduleError,
    },
    /// Another setting cannot be used.
    #[error("launch plan `{plan}`: {problem}")]
    InvalidSetting {
        /// The launch plan.
        plan: String,
        /// What is wrong.
        problem: String,
    },
    /// The run itself failed.
    #[error("launch plan `{plan}` failed")]
    Run {
        /// The launch plan.
        plan: String,
        /// Why.
        #[source]
        source: Box<RunError>,
    },
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A named way to run a workflow whose outputs are `O`: fixed inputs (which cannot be
/// changed when running) and defaults (which can), on top of the workflow's own
/// defaults.
///
/// `S` is how a workflow body calls the plan (a child execution on Flyte): a
/// function type `fn(A, B) -> O` taking the inputs the plan does not fix, in the
/// workflow's order, given with [`LaunchPlanBuilder::call_signature`] and checked
/// against the workflow when built. A plan without one ([`NotCallable`]) is run and
/// registered, not called from workflows.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// # use flytekit_macros::*;
/// use flytekit::prelude::*;
///
/// #[task]
/// fn scale(xs: Vec<i64>, factor: i64) -> i64 {
///     xs.iter().sum::<i64>() * factor
/// }
///
/// #[workflow]
/// fn scaled(xs: Vec<i64>, #[default(2)] factor: i64) -> i64 {
///     scale(xs, factor)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // `factor` fixed at 10; `xs` defaults to [1, 2] and may be set per run.
/// let nightly = LaunchPlan::builder("nightly", &scaled {})
///     .fixed("factor", 10i64)
///     .default_input("xs", vec![1i64, 2])
///     .build()
///     .unwrap();
/// assert_eq!(nightly.inputs().run().await.unwrap(), 30);
/// assert_eq!(nightly.inputs().set("xs", vec![5i64]).run().await.unwrap(), 50);
/// # }
/// ```
pub struct LaunchPlan<O: Outputs, S = NotCallable> {
    name: String,
    workflow: &'static dyn DynWorkflow,
    decode_one: DecodeOne,
    fixed: BTreeMap<String, Literal>,
    defaults: BTreeMap<String, Literal>,
    settings: LaunchPlanSettings,
    /// The types of the call signature's inputs, when one was given.
    call_types: Option<fn() -> Vec<crate::types::LiteralType>>,
    /// The workflow inputs (by position) a call binds, in order: the open inputs, less
    /// those with a default that the call signature leaves out.
    call_inputs: Vec<usize>,
    _output: PhantomData<fn() -> (O, S)>,
}

type DecodeOne = fn(usize, &str, &Literal) -> Result<Value, ConversionError>;

impl<O: Outputs, S> std::fmt::Debug for LaunchPlan<O, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LaunchPlan")
            .field("name", &self.name)
            .field("workflow", &self.workflow.spec().name)
            .field("fixed", &self.fixed)
            .field("defaults", &self.defaults)
            .field("settings", &self.settings)
            .finish()
    }
}

/// A launch plan with its types erased.
#[derive(Clone)]
pub struct PlanEntry {
    /// The plan's name.
    pub name: String,
    /// The workflow it launches.
    pub workflow: &'static dyn DynWorkflow,
    /// Inputs it fixes.
    pub fixed: BTreeMap<String, Literal>,
    /// Inputs it gives defaults (the workflow's own included).
    pub defaults: BTreeMap<String, Literal>,
    /// Schedule, notifications and the other settings.
    pub settings: LaunchPlanSettings,
}

impl PlanEntry {
    /// The default launch plan of a workflow given with its types erased, as
    /// [`LaunchPlan::default_for`] makes it: the workflow's name, its own defaults,
    /// and the labels and annotations `#[workflow(..)]` gives it.
    pub fn default_for(workflow: &'static dyn DynWorkflow) -> Self {
        let spec = workflow.spec();
        let defaults = spec
            .interface
            .inputs
            .iter()
            .zip(&spec.defaults)
            .filter_map(|(var, d)| Some((var.name.clone(), d.clone()?)))
            .collect();
        let settings = LaunchPlanSettings {
            labels: spec.default_labels.clone(),
            annotations: spec.default_annotations.clone(),
            ..LaunchPlanSettings::default()
        };
        PlanEntry {
            name: spec.name.clone(),
            workflow,
            fixed: BTreeMap::new(),
            defaults,
            settings,
        }
    }

    /// The plan as Flyte's admin `LaunchPlan`, as flytekit writes it: `fixed` inputs
    /// cannot be changed, `defaults` can, every other input is required; schedule,
    /// notifications and the other settings in its spec.
    pub fn to_idl(
        &self,
        settings: &crate::idl::SerializationSettings,
    ) -> crate::idl::admin::LaunchPlan {
        idl::launch_plan(self, settings)
    }
}

/// Builds a [`LaunchPlan`]; every value is checked against the workflow's interface
/// in [`LaunchPlanBuilder::build`].
pub struct LaunchPlanBuilder<O: Outputs, S = NotCallable> {
    plan: LaunchPlan<O, S>,
    pending: Vec<(String, Literal)>,
}

impl<O: Outputs> LaunchPlan<O> {
    /// Starts a launch plan called `name` for `workflow`.
    pub fn builder<W: Workflow<Output = O>>(
        name: impl Into<String>,
        workflow: &'static W,
    ) -> LaunchPlanBuilder<O> {
        LaunchPlanBuilder {
            plan: LaunchPlan {
                name: name.into(),
                workflow,
                decode_one: W::Input::value_from_literal,
                fixed: BTreeMap::new(),
                defaults: BTreeMap::new(),
                settings: LaunchPlanSettings::default(),
                call_types: None,
                call_inputs: Vec::new(),
                _output: PhantomData,
            },
            pending: Vec::new(),
        }
    }

    /// The workflow's default launch plan: its own name and its own defaults, and the
    /// labels and annotations `#[workflow(labels(..), annotations(..))]` gives it.
    pub fn default_for<W: Workflow<Output = O>>(workflow: &'static W) -> Self {
        let spec = workflow.spec();
        let mut plan = Self::builder(spec.name.clone(), workflow).plan;
        plan.settings.labels = spec.default_labels.clone();
        plan.settings.annotations = spec.default_annotations.clone();
        plan
    }
}

impl<O: Outputs, S> LaunchPlan<O, S> {
    /// The launch plan's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The workflow it runs, with its types erased.
    pub(crate) fn dyn_workflow(&self) -> &'static dyn DynWorkflow {
        self.workflow
    }

    /// The graph of the workflow it runs.
    pub fn workflow(&self) -> &'static WorkflowSpec {
        self.workflow.spec()
    }

    /// The settings other than inputs: schedule, notifications, and the rest.
    pub fn settings(&self) -> &LaunchPlanSettings {
        &self.settings
    }

    /// The plan with its output type erased, as a registry keeps it.
    pub fn entry(&self) -> PlanEntry {
        PlanEntry {
            name: self.name.clone(),
            workflow: self.workflow,
            fixed: self.fixed.clone(),
            defaults: self.default_inputs(),
            settings: self.settings.clone(),
        }
    }

    /// The fixed inputs.
    pub fn fixed_inputs(&self) -> &BTreeMap<String, Literal> {
        &self.fixed
    }

    /// Each input's default: the launch plan's, else the workflow's.
    pub fn default_inputs(&self) -> BTreeMap<String, Literal> {
        let spec = self.workflow.spec();
        let mut out = BTreeMap::new();
        for (var, default) in spec.interface.inputs.iter().zip(&spec.defaults) {
            if self.fixed.contains_key(&var.name) {
                continue;
            }
            if let Some(d) = self.defaults.get(&var.name).or(default.as_ref()) {
                out.insert(var.name.clone(), d.clone());
            }
        }
        out
    }

    /// Starts giving the inputs of one run.
    pub fn inputs(&self) -> RunInputs<'_, O, S> {
        RunInputs {
            plan: self,
            values: Vec::new(),
            options: RunOptions::default(),
        }
    }

    fn unknown(&self, input: &str) -> LaunchPlanError {
        let spec = self.workflow.spec();
        LaunchPlanError::UnknownInput {
            plan: self.name.clone(),
            workflow: spec.name.clone(),
            input: input.to_string(),
            known: spec.interface.input_names().join(", "),
        }
    }

    /// The schedule by itself, then against the workflow's inputs.
    fn check_schedule(&self, schedule: &Schedule) -> Result<(), ScheduleError> {
        schedule.check()?;
        let spec = self.workflow.spec();
        let inputs = &spec.interface.inputs;
        let kickoff = schedule.kickoff_input.as_deref();
        if let Some(name) = kickoff {
            let var = inputs.iter().find(|v| v.name == name).ok_or_else(|| {
                ScheduleError::UnknownKickoffInput {
                    input: name.to_string(),
                    inputs: spec
                        .interface
                        .input_names()
                        .into_iter()
                        .map(String::from)
                        .collect(),
                }
            })?;
            if var.ty != crate::types::LiteralType::Simple(crate::types::SimpleType::Datetime) {
                return Err(ScheduleError::KickoffNotDatetime {
                    input: name.to_string(),
                    ty: var.ty.to_string(),
                });
            }
            if self.fixed.contains_key(name) {
                return Err(ScheduleError::KickoffFixed {
                    input: name.to_string(),
                });
            }
        }
        let defaults = self.default_inputs();
        let without: Vec<String> = inputs
            .iter()
            .filter(|v| Some(v.name.as_str()) != kickoff)
            .filter(|v| !self.fixed.contains_key(&v.name) && !defaults.contains_key(&v.name))
            .map(|v| v.name.clone())
            .collect();
        if without.is_empty() {
            Ok(())
        } else {
            Err(ScheduleError::InputsWithoutValue { inputs: without })
        }
    }

    /// Checks that `literal` can be input `name`.
    fn check(&self, name: &str, literal: &Literal) -> Result<(), LaunchPlanError> {
        let spec = self.workflow.spec();
        let index = spec
            .interface
            .input_index(name)
            .ok_or_else(|| self.unknown(name))?;
        (self.decode_one)(index, name, literal)
            .map(|_| ())
            .map_err(|source| LaunchPlanError::WrongType {
                plan: self.name.clone(),
                source: Box::new(source),
            })
    }
}

impl<O: Outputs, S> LaunchPlanBuilder<O, S> {
    /// Fixes input `name` to `value`: runs cannot change it.
    pub fn fixed(mut self, name: &str, value: impl FlyteType) -> Self {
        self.plan.fixed.insert(name.to_string(), value.to_literal());
        self.pending.push((name.to_string(), value.to_literal()));
        self
    }

    /// Gives input `name` a default that runs may override.
    pub fn default_input(mut self, name: &str, value: impl FlyteType) -> Self {
        self.plan
            .defaults
            .insert(name.to_string(), value.to_literal());
        self.pending.push((name.to_string(), value.to_literal()));
        self
    }

    /// Runs the plan on a schedule (see [`Schedule`]).
    pub fn schedule(mut self, schedule: Schedule) -> Self {
        self.plan.settings.schedule = Some(schedule);
        self
    }

    /// Sends a notification when an execution reaches one of its phases. Repeatable.
    pub fn notify(mut self, notification: Notification) -> Self {
        self.plan.settings.notifications.push(notification);
        self
    }

    /// A label on each execution. Repeatable.
    pub fn label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.plan.settings.labels.push((name.into(), value.into()));
        self
    }

    /// An annotation on each execution. Repeatable.
    pub fn annotation(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.plan
            .settings
            .annotations
            .push((name.into(), value.into()));
        self
    }

    /// How many nodes of an execution Flyte runs at once.
    pub fn max_parallelism(mut self, nodes: u32) -> Self {
        self.plan.settings.max_parallelism = Some(nodes);
        self
    }

    /// Where executions write raw outputs (files, directories, offloaded values); a
    /// local run of the plan uses it too unless its options set one.
    pub fn raw_output_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.plan.settings.raw_output_prefix = Some(prefix.into());
        self
    }

    /// The Kubernetes service account executions run as.
    pub fn service_account(mut self, account: impl Into<String>) -> Self {
        self.plan.settings.service_account = Some(account.into());
        self
    }

    /// The IAM role executions assume.
    pub fn iam_role(mut self, role: impl Into<String>) -> Self {
        self.plan.settings.iam_role = Some(role.into());
        self
    }

    /// Runs cached tasks again and replaces their entries; a local run of the plan
    /// does too unless its options set a cache mode.
    pub fn overwrite_cache(mut self, overwrite: bool) -> Self {
        self.plan.settings.overwrite_cache = overwrite;
        self
    }

    /// At most `executions` of the plan run at once; a scheduled run beyond them is
    /// skipped (Flyte's only concurrency behaviour).
    pub fn max_concurrency(mut self, executions: u32) -> Self {
        self.plan.settings.max_concurrency = Some(executions);
        self
    }

    /// Checks every value against the workflow's inputs, the schedule against the
    /// workflow (the kickoff input is a datetime that is not fixed; every other input
    /// has a value), and the other settings.
    pub fn build(self) -> Result<LaunchPlan<O, S>, LaunchPlanError> {
        for (name, literal) in &self.pending {
            self.plan.check(name, literal)?;
        }
        let mut built = self.plan;
        built.call_inputs = built.check_signature()?;
        let plan = &built;
        let invalid = |problem: &str| LaunchPlanError::InvalidSetting {
            plan: plan.name.clone(),
            problem: problem.to_string(),
        };
        if let Some(problem) = plan
            .settings
            .notifications
            .iter()
            .find_map(Notification::problem)
        {
            return Err(invalid(problem));
        }
        if plan.settings.max_parallelism == Some(0) {
            return Err(invalid("`max_parallelism` must be at least 1"));
        }
        if plan.settings.max_concurrency == Some(0) {
            return Err(invalid("`max_concurrency` must be at least 1"));
        }
        if let Some(schedule) = &plan.settings.schedule {
            plan.check_schedule(schedule)
                .map_err(|source| LaunchPlanError::Schedule {
                    plan: plan.name.clone(),
                    source,
                })?;
        }
        Ok(built)
    }
}

/// The inputs of one run of a launch plan, set by name.
pub struct RunInputs<'p, O: Outputs, S = NotCallable> {
    plan: &'p LaunchPlan<O, S>,
    values: Vec<(String, Literal)>,
    options: RunOptions,
}

impl<O: Outputs, S> RunInputs<'_, O, S> {
    /// Sets input `name` (checked when the run starts).
    pub fn set(mut self, name: &str, value: impl FlyteType) -> Self {
        self.values.push((name.to_string(), value.to_literal()));
        self
    }

    /// Sets the run's options.
    pub fn options(mut self, options: RunOptions) -> Self {
        self.options = options;
        self
    }

    /// The launch plan these inputs are for.
    pub fn plan(&self) -> &LaunchPlan<O, S> {
        self.plan
    }

    /// The inputs set here, each checked: not a fixed input, and of the input's type
    /// (what a launch on a cluster sends; flyteadmin fills in the rest).
    pub fn given(&self) -> Result<&[(String, Literal)], LaunchPlanError> {
        let plan = self.plan;
        for (name, literal) in &self.values {
            if plan.fixed.contains_key(name) {
                return Err(LaunchPlanError::FixedInput {
                    plan: plan.name.clone(),
                    input: name.clone(),
                });
            }
            plan.check(name, literal)?;
        }
        Ok(&self.values)
    }

    /// The value of every input, in interface order: set here, else fixed, else the
    /// launch plan's default, else the workflow's. A scheduled plan's kickoff input,
    /// when not set here, is now (what the scheduler would pass).
    pub fn resolve(&self) -> Result<Vec<Literal>, LaunchPlanError> {
        let plan = self.plan;
        let spec = plan.workflow.spec();
        let kickoff = plan
            .settings
            .schedule
            .as_ref()
            .and_then(|s| s.kickoff_input.as_deref());
        let mut values = self.values.clone();
        if let Some(name) = kickoff
            && !values.iter().any(|(n, _)| n == name)
        {
            let now = chrono::Utc::now();
            values.insert(0, (name.to_string(), now.to_literal()));
        }
        self.given()?;
        merge_inputs(
            &spec.interface,
            &values,
            &plan.fixed,
            &plan.default_inputs(),
        )
        .map_err(|inputs| LaunchPlanError::MissingInputs {
            plan: plan.name.clone(),
            inputs,
        })
    }

    /// Runs the workflow locally with these inputs.
    pub async fn run(self) -> Result<O, LaunchPlanError> {
        let plan = self.plan;
        let spec = plan.workflow.spec();
        let literals = self.resolve()?;
        let names = spec.interface.input_names();
        let values = plan
            .workflow
            .codec()
            .inputs_from_literals(&names, &literals)
            .map_err(|source| LaunchPlanError::WrongType {
                plan: plan.name.clone(),
                source: Box::new(source),
            })?;
        let mut options = self.options;
        if options.raw_output_prefix.is_none() {
            options.raw_output_prefix = plan.settings.raw_output_prefix.clone();
        }
        if options.cache_mode.is_none() && plan.settings.overwrite_cache {
            options.cache_mode = Some(crate::cache::CacheMode::Overwrite);
        }
        let out = run_spec_values(spec, plan.workflow.codec(), values, &options)
            .await
            .map_err(|source| LaunchPlanError::Run {
                plan: plan.name.clone(),
                source: Box::new(source),
            })?;
        Ok(O::from_values(&out))
    }
}

/// The value of every input of `interface`, in order: the one given (the last, when
/// given twice), else the fixed one, else the default; or the names of the inputs
/// with none. Runs of launch plans and the command line's `run` resolve inputs here.
pub fn merge_inputs(
    interface: &Interface,
    given: &[(String, Literal)],
    fixed: &BTreeMap<String, Literal>,
    defaults: &BTreeMap<String, Literal>,
) -> Result<Vec<Literal>, Vec<String>> {
    let mut literals = Vec::with_capacity(interface.inputs.len());
    let mut missing = Vec::new();
    for var in &interface.inputs {
        let value = given
            .iter()
            .rev()
            .find(|(n, _)| *n == var.name)
            .map(|(_, l)| l)
            .or_else(|| fixed.get(&var.name))
            .or_else(|| defaults.get(&var.name));
        match value {
            Some(l) => literals.push(l.clone()),
            None => missing.push(var.name.clone()),
        }
    }
    if missing.is_empty() {
        Ok(literals)
    } else {
        Err(missing)
    }
}
