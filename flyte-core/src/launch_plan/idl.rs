//! Launch plans as Flyte's admin `LaunchPlan`: inputs, schedule, notifications and
//! the other settings, as flytekit writes them.

use super::{Channel, LaunchPlanSettings, Phase, PlanEntry, ScheduleKind};
use crate::idl::core as pb;
use crate::idl::{SerializationSettings, admin, identifier, literal, literal_map, literal_type};

/// A launch plan as Flyte's admin `LaunchPlan`: `fixed` inputs cannot be changed,
/// `defaults` can; every other input of the workflow is required (or takes the
/// workflow's own default).
pub(crate) fn launch_plan(
    entry: &PlanEntry,
    settings: &SerializationSettings,
) -> admin::LaunchPlan {
    let (name, spec) = (&entry.name, entry.workflow.spec());
    let (fixed, defaults, plan) = (&entry.fixed, &entry.defaults, &entry.settings);
    let parameters = spec
        .interface
        .inputs
        .iter()
        .filter(|v| !fixed.contains_key(&v.name))
        .map(|v| {
            let behavior = match defaults.get(&v.name) {
                Some(d) => pb::parameter::Behavior::Default(literal(d)),
                None => pb::parameter::Behavior::Required(true),
            };
            (
                v.name.clone(),
                pb::Parameter {
                    var: Some(pb::Variable {
                        r#type: Some(literal_type(&v.ty)),
                        description: v.name.clone(),
                    }),
                    behavior: Some(behavior),
                },
            )
        })
        .collect();
    admin::LaunchPlan {
        id: Some(identifier(pb::ResourceType::LaunchPlan, name, settings)),
        spec: Some(admin::LaunchPlanSpec {
            workflow_id: Some(identifier(pb::ResourceType::Workflow, &spec.name, settings)),
            entity_metadata: Some(admin::LaunchPlanMetadata {
                schedule: plan.schedule().map(schedule),
                notifications: plan.notifications().iter().map(notification).collect(),
            }),
            default_inputs: Some(pb::ParameterMap { parameters }),
            fixed_inputs: Some(literal_map(fixed.iter().map(|(k, v)| (k.as_str(), v)))),
            labels: Some(admin::Labels {
                values: plan.labels().iter().cloned().collect(),
            }),
            annotations: Some(admin::Annotations {
                values: plan.annotations().iter().cloned().collect(),
            }),
            security_context: run_as(plan),
            raw_output_data_config: Some(admin::RawOutputDataConfig {
                output_location_prefix: plan.raw_output_prefix().unwrap_or_default().to_string(),
            }),
            max_parallelism: plan.max_parallelism().map_or(0, |n| n as i32),
            overwrite_cache: plan.overwrite_cache(),
            concurrency_policy: plan.max_concurrency().map(|max| admin::ConcurrencyPolicy {
                max: max as i32,
                behavior: admin::ConcurrencyLimitBehavior::Skip as i32,
            }),
        }),
        closure: Some(admin::LaunchPlanClosure {
            expected_inputs: Some(pb::ParameterMap::default()),
            expected_outputs: Some(pb::VariableMap::default()),
        }),
    }
}

fn schedule(s: &super::Schedule) -> admin::Schedule {
    use admin::schedule::ScheduleExpression;
    let expression = match &s.kind {
        ScheduleKind::Cron { expression, offset } => {
            ScheduleExpression::CronSchedule(admin::CronSchedule {
                schedule: expression.clone(),
                offset: offset.clone().unwrap_or_default(),
            })
        }
        ScheduleKind::FixedRate(rate) => {
            // A launch plan checks its schedule when built; an unchecked bad rate is 0.
            let (value, unit) = super::rate_in_units(rate).unwrap_or((0, 0));
            ScheduleExpression::Rate(admin::FixedRate { value, unit })
        }
    };
    admin::Schedule {
        kickoff_time_input_arg: s.kickoff_input.as_deref().unwrap_or_default().to_string(),
        schedule_expression: Some(expression),
    }
}

fn notification(n: &super::Notification) -> admin::Notification {
    use admin::notification::Type;
    let recipients = admin::Recipients {
        recipients_email: n.recipients().to_vec(),
    };
    admin::Notification {
        phases: n
            .phases()
            .iter()
            .map(|p| {
                (match p {
                    Phase::Succeeded => admin::WorkflowExecutionPhase::Succeeded,
                    Phase::Failed => admin::WorkflowExecutionPhase::Failed,
                    Phase::TimedOut => admin::WorkflowExecutionPhase::TimedOut,
                    Phase::Aborted => admin::WorkflowExecutionPhase::Aborted,
                }) as i32
            })
            .collect(),
        r#type: Some(match n.channel() {
            Channel::Email => Type::Email(recipients),
            Channel::Slack => Type::Slack(recipients),
            Channel::PagerDuty => Type::PagerDuty(recipients),
        }),
    }
}

/// The identity executions run as, when the plan names one.
fn run_as(plan: &LaunchPlanSettings) -> Option<pb::SecurityContext> {
    if plan.service_account().is_none() && plan.iam_role().is_none() {
        return None;
    }
    Some(pb::SecurityContext {
        run_as: Some(pb::Identity {
            iam_role: plan.iam_role().unwrap_or_default().to_string(),
            k8s_service_account: plan.service_account().unwrap_or_default().to_string(),
        }),
        secrets: Vec::new(),
    })
}
