//! Launching from code with typed inputs, and reading typed outputs back: the same
//! [`Inputs`](crate::types::Inputs) and [`Outputs`] tuples as local runs, written
//! to and read from the execution's literal maps.

use std::marker::PhantomData;
use std::time::Duration;

use super::{LaunchOptions, Remote, RemoteError, WorkflowExecutionIdentifier};
use crate::idl::{SerializationSettings, literal_from_idl, literal_map};
use crate::launch_plan::RunInputs;
use crate::types::{Inputs, Outputs};
use crate::workflow::Workflow;

/// An execution launched with [`Remote::launch_workflow`] or
/// [`Remote::launch_plan`], whose outputs are `O`.
#[derive(Debug)]
pub struct Execution<O> {
    /// Its identifier (for [`Remote::phase`], [`Remote::terminate`], ...).
    pub id: WorkflowExecutionIdentifier,
    output_names: Vec<String>,
    _outputs: PhantomData<fn() -> O>,
}

impl<O> Clone for Execution<O> {
    fn clone(&self) -> Self {
        Execution {
            id: self.id.clone(),
            output_names: self.output_names.clone(),
            _outputs: PhantomData,
        }
    }
}

impl Remote {
    /// Launches `workflow`'s default launch plan, registered under `settings`' project,
    /// domain and version, with `inputs` (a tuple in parameter order, as
    /// [`Workflow::Input`]).
    pub async fn launch_workflow<W: Workflow>(
        &self,
        settings: &SerializationSettings,
        workflow: &W,
        inputs: W::Input,
    ) -> Result<Execution<W::Output>, RemoteError> {
        self.launch_workflow_with(settings, workflow, inputs, &LaunchOptions::default())
            .await
    }

    /// [`Remote::launch_workflow`] with the execution's options (name, labels,
    /// service account, ...).
    pub async fn launch_workflow_with<W: Workflow>(
        &self,
        settings: &SerializationSettings,
        workflow: &W,
        inputs: W::Input,
        options: &LaunchOptions,
    ) -> Result<Execution<W::Output>, RemoteError> {
        let spec = workflow.spec();
        let literals = W::Input::literals_of(&inputs.into_values());
        let names = spec.interface.input_names();
        let map = literal_map(names.into_iter().zip(&literals));
        let id = self
            .launch_with(&settings.launch_plan_id(&spec.name), map, options)
            .await?;
        Ok(Execution {
            id,
            output_names: owned(spec.interface.output_names()),
            _outputs: PhantomData,
        })
    }

    /// Launches a launch plan registered under `settings` with the inputs set on
    /// `run` (`plan.inputs().set("day", day)`): checked here (a fixed input, or a
    /// value of another type, is an error before anything is sent); flyteadmin fills
    /// in the plan's fixed and default inputs.
    pub async fn launch_plan<O: Outputs, S>(
        &self,
        settings: &SerializationSettings,
        run: RunInputs<'_, O, S>,
    ) -> Result<Execution<O>, RemoteError> {
        self.launch_plan_with(settings, run, &LaunchOptions::default())
            .await
    }

    /// [`Remote::launch_plan`] with the execution's options.
    pub async fn launch_plan_with<O: Outputs, S>(
        &self,
        settings: &SerializationSettings,
        run: RunInputs<'_, O, S>,
        options: &LaunchOptions,
    ) -> Result<Execution<O>, RemoteError> {
        let given = run
            .given()
            .map_err(|e| RemoteError::PlanInputs(Box::new(e)))?;
        let plan = run.plan();
        let map = literal_map(given.iter().map(|(n, l)| (n.as_str(), l)));
        let id = self
            .launch_with(&settings.launch_plan_id(plan.name()), map, options)
            .await?;
        Ok(Execution {
            id,
            output_names: owned(plan.workflow().interface.output_names()),
            _outputs: PhantomData,
        })
    }

    /// [`Remote::wait`], with the outputs read as `O`.
    pub async fn wait_for<O: Outputs>(
        &self,
        execution: &Execution<O>,
        poll: Duration,
        deadline: Option<Duration>,
    ) -> Result<O, RemoteError> {
        let map = self.wait(&execution.id, poll, deadline).await?;
        typed_outputs(execution, &map)
    }

    /// The outputs of an execution that succeeded, read as `O`.
    pub async fn outputs_of<O: Outputs>(&self, execution: &Execution<O>) -> Result<O, RemoteError> {
        let map = self.outputs(&execution.id).await?;
        typed_outputs(execution, &map)
    }
}

fn owned(names: Vec<&str>) -> Vec<String> {
    names.into_iter().map(str::to_string).collect()
}

/// Each output by name, read as a local run's outputs are.
fn typed_outputs<O: Outputs>(
    execution: &Execution<O>,
    map: &crate::idl::core::LiteralMap,
) -> Result<O, RemoteError> {
    let bad = |reason: String| RemoteError::UnreadableOutputs {
        execution: execution.id.clone(),
        reason,
    };
    let literals = execution
        .output_names
        .iter()
        .map(|name| {
            let literal = map
                .literals
                .get(name)
                .ok_or_else(|| bad(format!("no output `{name}`")))?;
            literal_from_idl(literal).map_err(|e| bad(format!("output `{name}`: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<&str> = execution.output_names.iter().map(String::as_str).collect();
    let values = O::values_from_literals(&names, &literals).map_err(|e| bad(e.to_string()))?;
    Ok(O::from_values(&values))
}
