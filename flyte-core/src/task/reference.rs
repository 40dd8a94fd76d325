//! References: a task or launch plan registered elsewhere (often by flytekit, in
//! Python), called from a Rust workflow by its Flyte identifier. The Rust side has
//! only its typed signature; Flyte runs the registered entity.

/// What a reference points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    /// A registered task (flytekit's `@reference_task`): a task node with a
    /// `reference_id`.
    Task,
    /// A registered launch plan (flytekit's `@reference_launch_plan`): a workflow
    /// node starting a child execution of it.
    LaunchPlan,
}

/// A registered Flyte entity, by project, domain, name and version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    /// Task or launch plan.
    pub kind: ReferenceKind,
    /// Its project.
    pub project: String,
    /// Its domain.
    pub domain: String,
    /// Its registered name (`acme.tasks.score`).
    pub name: String,
    /// Its version.
    pub version: String,
}

impl Reference {
    /// A registered task.
    pub fn task(
        project: impl Into<String>,
        domain: impl Into<String>,
        name: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self::new(ReferenceKind::Task, project, domain, name, version)
    }

    /// A registered launch plan.
    pub fn launch_plan(
        project: impl Into<String>,
        domain: impl Into<String>,
        name: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self::new(ReferenceKind::LaunchPlan, project, domain, name, version)
    }

    fn new(
        kind: ReferenceKind,
        project: impl Into<String>,
        domain: impl Into<String>,
        name: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Reference {
            kind,
            project: project.into(),
            domain: domain.into(),
            name: name.into(),
            version: version.into(),
        }
    }

    /// The last part of its dotted name, as flytekit names the node (`score` for
    /// `acme.tasks.score`).
    pub fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            ReferenceKind::Task => "reference task",
            ReferenceKind::LaunchPlan => "reference launch plan",
        };
        write!(
            f,
            "{kind} `{}` ({}/{}, version {})",
            self.name, self.project, self.domain, self.version
        )
    }
}

/// A reference ran in a local run without a mock: only Flyte can run it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{0} runs only on a Flyte cluster; a local run needs a mock for it (`RunOptions::mock(&the_reference_fn, |inputs| ...)`)"
)]
pub struct ReferenceNotMocked(pub Reference);
