//! What a launch plan sets beyond inputs: schedule, notifications, labels and
//! annotations, parallelism, raw output prefix, the identity runs use, cache
//! overwriting and a concurrency limit. Plain data, kept with the plan in a registry
//! and written into its `LaunchPlanSpec`.

use super::schedule::Schedule;

/// A terminal phase of a workflow execution, which a [`Notification`] can be sent on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// The execution succeeded.
    Succeeded,
    /// It failed.
    Failed,
    /// It ran past its timeout.
    TimedOut,
    /// It was aborted.
    Aborted,
}

/// Where a [`Notification`] goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Channel {
    /// Email.
    Email,
    /// Slack (Flyte sends an email to a Slack address).
    Slack,
    /// PagerDuty (an email to a PagerDuty service address).
    PagerDuty,
}

/// A message Flyte sends when an execution of the launch plan reaches one of
/// `phases`. Flyte sends it; a local run does not.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::launch_plan::{Notification, Phase};
/// let n = Notification::slack([Phase::Failed], ["ml-alerts@acme.slack.com"]);
/// assert_eq!(n.recipients(), ["ml-alerts@acme.slack.com"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    channel: Channel,
    phases: Vec<Phase>,
    recipients: Vec<String>,
}

impl Notification {
    /// An email to `recipients` on `phases`.
    pub fn email<S: Into<String>>(
        phases: impl IntoIterator<Item = Phase>,
        recipients: impl IntoIterator<Item = S>,
    ) -> Self {
        Self::new(Channel::Email, phases, recipients)
    }

    /// A Slack message (to Slack email addresses) on `phases`.
    pub fn slack<S: Into<String>>(
        phases: impl IntoIterator<Item = Phase>,
        recipients: impl IntoIterator<Item = S>,
    ) -> Self {
        Self::new(Channel::Slack, phases, recipients)
    }

    /// A PagerDuty alert (to PagerDuty service addresses) on `phases`.
    pub fn pager_duty<S: Into<String>>(
        phases: impl IntoIterator<Item = Phase>,
        recipients: impl IntoIterator<Item = S>,
    ) -> Self {
        Self::new(Channel::PagerDuty, phases, recipients)
    }

    fn new<S: Into<String>>(
        channel: Channel,
        phases: impl IntoIterator<Item = Phase>,
        recipients: impl IntoIterator<Item = S>,
    ) -> Self {
        Notification {
            channel,
            phases: phases.into_iter().collect(),
            recipients: recipients.into_iter().map(Into::into).collect(),
        }
    }

    /// Where it goes.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The phases it is sent on.
    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    /// Who receives it.
    pub fn recipients(&self) -> &[String] {
        &self.recipients
    }

    /// What is wrong with it, if anything: no phase or no recipient.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        if self.phases.is_empty() {
            Some("a notification needs at least one phase")
        } else if self.recipients.is_empty() || self.recipients.iter().any(|r| r.trim().is_empty())
        {
            Some("a notification needs recipients, none of them empty")
        } else {
            None
        }
    }
}

/// A launch plan's settings other than inputs. Built through
/// [`LaunchPlanBuilder`](super::LaunchPlanBuilder).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LaunchPlanSettings {
    pub(crate) schedule: Option<Schedule>,
    pub(crate) notifications: Vec<Notification>,
    pub(crate) labels: Vec<(String, String)>,
    pub(crate) annotations: Vec<(String, String)>,
    pub(crate) max_parallelism: Option<u32>,
    pub(crate) raw_output_prefix: Option<String>,
    pub(crate) service_account: Option<String>,
    pub(crate) iam_role: Option<String>,
    pub(crate) overwrite_cache: bool,
    pub(crate) max_concurrency: Option<u32>,
}

impl LaunchPlanSettings {
    /// The schedule, if any.
    pub fn schedule(&self) -> Option<&Schedule> {
        self.schedule.as_ref()
    }

    /// The notifications, in the order given.
    pub fn notifications(&self) -> &[Notification] {
        &self.notifications
    }

    /// Labels on each execution, in the order given.
    pub fn labels(&self) -> &[(String, String)] {
        &self.labels
    }

    /// Annotations on each execution, in the order given.
    pub fn annotations(&self) -> &[(String, String)] {
        &self.annotations
    }

    /// How many nodes of an execution Flyte runs at once, if limited.
    pub fn max_parallelism(&self) -> Option<u32> {
        self.max_parallelism
    }

    /// Where executions write raw outputs, if not the cluster's default.
    pub fn raw_output_prefix(&self) -> Option<&str> {
        self.raw_output_prefix.as_deref()
    }

    /// The Kubernetes service account executions run as.
    pub fn service_account(&self) -> Option<&str> {
        self.service_account.as_deref()
    }

    /// The IAM role executions assume.
    pub fn iam_role(&self) -> Option<&str> {
        self.iam_role.as_deref()
    }

    /// Whether executions run cached tasks again and replace their entries.
    pub fn overwrite_cache(&self) -> bool {
        self.overwrite_cache
    }

    /// How many executions of the plan may run at once (a scheduled run beyond it is
    /// skipped), if limited.
    pub fn max_concurrency(&self) -> Option<u32> {
        self.max_concurrency
    }
}
