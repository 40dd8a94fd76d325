//! Messages of `flyteidl/admin/schedule.proto`, the notifications of
//! `flyteidl/admin/common.proto` and the concurrency policy of `launch_plan.proto`:
//! what a launch plan's `entity_metadata` and spec say about when it runs and whom it
//! tells.

/// `flyteidl.admin.FixedRateUnit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum FixedRateUnit {
    /// `MINUTE`
    Minute = 0,
    /// `HOUR`
    Hour = 1,
    /// `DAY`
    Day = 2,
}

/// `flyteidl.admin.FixedRate`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct FixedRate {
    /// How many units.
    #[prost(uint32, tag = "1")]
    pub value: u32,
    /// The unit.
    #[prost(enumeration = "FixedRateUnit", tag = "2")]
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<FixedRateUnit, _>")]
    pub unit: i32,
}

/// `flyteidl.admin.CronSchedule`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct CronSchedule {
    /// Five fields or an alias.
    #[prost(string, tag = "1")]
    pub schedule: String,
    /// An ISO 8601 duration.
    #[prost(string, tag = "2")]
    pub offset: String,
}

/// `flyteidl.admin.Schedule`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Schedule {
    /// The input that receives the scheduled time.
    #[prost(string, tag = "3")]
    pub kickoff_time_input_arg: String,
    /// When it runs.
    #[prost(oneof = "schedule::ScheduleExpression", tags = "2, 4")]
    pub schedule_expression: Option<schedule::ScheduleExpression>,
}

/// The `schedule_expression` oneof of [`Schedule`].
pub mod schedule {
    /// `Schedule.schedule_expression` (`cron_expression`, tag 1, is deprecated and
    /// never written by flytekit).
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ScheduleExpression {
        /// `rate`
        #[prost(message, tag = "2")]
        Rate(super::FixedRate),
        /// `cron_schedule`
        #[prost(message, tag = "4")]
        CronSchedule(super::CronSchedule),
    }
}

/// `flyteidl.core.WorkflowExecution.Phase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum WorkflowExecutionPhase {
    /// `UNDEFINED`
    Undefined = 0,
    /// `SUCCEEDED`
    Succeeded = 4,
    /// `FAILED`
    Failed = 6,
    /// `ABORTED`
    Aborted = 7,
    /// `TIMED_OUT`
    TimedOut = 8,
}

/// The recipients of an email, Slack or PagerDuty notification.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Recipients {
    /// Addresses.
    #[prost(string, repeated, tag = "1")]
    pub recipients_email: Vec<String>,
}

/// `flyteidl.admin.Notification`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Notification {
    /// The phases it is sent on.
    #[prost(enumeration = "WorkflowExecutionPhase", repeated, tag = "1")]
    #[serde(serialize_with = "phases")]
    pub phases: Vec<i32>,
    /// Where it goes.
    #[prost(oneof = "notification::Type", tags = "2, 3, 4")]
    pub r#type: Option<notification::Type>,
}

fn phases<S: serde::Serializer>(v: &[i32], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for p in v {
        match WorkflowExecutionPhase::try_from(*p) {
            Ok(phase) => seq.serialize_element(&phase)?,
            Err(_) => seq.serialize_element(p)?,
        }
    }
    seq.end()
}

/// The `type` oneof of [`Notification`].
pub mod notification {
    /// `Notification.type`: `EmailNotification`, `PagerDutyNotification` and
    /// `SlackNotification` share one shape.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Type {
        /// `email`
        #[prost(message, tag = "2")]
        Email(super::Recipients),
        /// `pager_duty`
        #[prost(message, tag = "3")]
        PagerDuty(super::Recipients),
        /// `slack`
        #[prost(message, tag = "4")]
        Slack(super::Recipients),
    }
}

/// `flyteidl.admin.ConcurrencyLimitBehavior`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ConcurrencyLimitBehavior {
    /// `CONCURRENCY_LIMIT_BEHAVIOR_UNSPECIFIED`
    #[serde(rename = "CONCURRENCY_LIMIT_BEHAVIOR_UNSPECIFIED")]
    Unspecified = 0,
    /// `CONCURRENCY_LIMIT_BEHAVIOR_SKIP`
    #[serde(rename = "CONCURRENCY_LIMIT_BEHAVIOR_SKIP")]
    Skip = 1,
}

/// `flyteidl.admin.ConcurrencyPolicy`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ConcurrencyPolicy {
    /// Executions at once.
    #[prost(int32, tag = "1")]
    pub max: i32,
    /// What happens to one more.
    #[prost(enumeration = "ConcurrencyLimitBehavior", tag = "2")]
    #[serde(
        serialize_with = "crate::idl::schema::json::enumeration::<ConcurrencyLimitBehavior, _>"
    )]
    pub behavior: i32,
}
