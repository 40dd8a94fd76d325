//! A dynamic task on a cluster: the graph it built becomes `futures.pb`.

use super::Failure;
use crate::execution::ExecutionContext;
use crate::idl::core as pb;
use crate::idl::dynamic_job::{SETTINGS_ENV, dynamic_job_spec, settings_from_env_value};
use crate::workflow::WorkflowSpec;

/// The `DynamicJobSpec` of the graph a dynamic task built, its task templates
/// written with the settings its own template carries (`_F_SS_C`), the project,
/// domain and version as Flyte sets them for the pod.
pub(super) fn futures(
    spec: &WorkflowSpec,
    ctx: &ExecutionContext,
    task: &str,
) -> Result<pb::DynamicJobSpec, Failure> {
    let system = |message: String| {
        Failure::user_or_system(
            "SYSTEM:DynamicNotSerialized",
            pb::ErrorOrigin::System,
            message,
        )
    };
    let value = ctx
        .cluster()
        .and_then(|id| id.serialization_settings.clone());
    let value = value.ok_or_else(|| {
        system(format!(
            "dynamic task `{task}` has no {SETTINGS_ENV} in its environment: register it with this SDK's `package`, which sets it"
        ))
    })?;
    let mut settings = settings_from_env_value(&value)
        .map_err(|e| system(format!("dynamic task `{task}`: {e}")))?;
    // As flytekit: the version is the task's own, project and domain its if set.
    if let Some(id) = ctx.cluster() {
        if !id.task_version.is_empty() {
            settings.version = id.task_version.clone();
        }
        if settings.project.is_empty() {
            settings.project = id.project.clone();
        }
        if settings.domain.is_empty() {
            settings.domain = id.domain.clone();
        }
    }
    dynamic_job_spec(spec, &settings).map_err(|e| {
        system(format!(
            "dynamic task `{task}` built a graph Flyte cannot take: {e}"
        ))
    })
}
