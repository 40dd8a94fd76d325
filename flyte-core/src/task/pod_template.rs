//! [`PodTemplate`]: the Kubernetes pod a task runs in, given inline: labels,
//! annotations and a pod spec as JSON-compatible data (Kubernetes' own field names:
//! `nodeSelector`, `tolerations`, ...). The task's container becomes the pod's
//! primary container, with the task's image, arguments, environment and resources.

/// A pod for a task (`#[task(pod_template = ..)]`, `TaskMetadata::pod_template`) or
/// for one call of it (`NodeOverrides::pod_template`).
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::task::PodTemplate;
/// let pod = PodTemplate::new(serde_json::json!({
///     "nodeSelector": {"acme.io/pool": "gpu"},
///     "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
/// }))
/// .primary_container_name("primary")
/// .label("team", "ml");
/// assert!(pod.check().is_ok());
/// assert!(PodTemplate::new(serde_json::json!(["not", "a", "spec"])).check().is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PodTemplate {
    /// The name of the container that runs the task.
    pub primary_container_name: String,
    /// The pod's labels, in the order given.
    pub labels: Vec<(String, String)>,
    /// The pod's annotations, in the order given.
    pub annotations: Vec<(String, String)>,
    /// The pod spec as given.
    pub pod_spec: serde_json::Value,
}

impl PodTemplate {
    /// A pod with this spec (a JSON object in Kubernetes' `PodSpec` form; `{}` for
    /// none) whose primary container is called `primary`.
    pub fn new(pod_spec: serde_json::Value) -> Self {
        PodTemplate {
            primary_container_name: "primary".to_string(),
            labels: Vec::new(),
            annotations: Vec::new(),
            pod_spec,
        }
    }

    /// The name of the container that runs the task: a container of that name in
    /// the spec is completed with the task's image, arguments, environment and
    /// resources; otherwise one is added.
    pub fn primary_container_name(mut self, name: impl Into<String>) -> Self {
        self.primary_container_name = name.into();
        self
    }

    /// A label on the pod. Repeatable.
    pub fn label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.push((name.into(), value.into()));
        self
    }

    /// An annotation on the pod. Repeatable.
    pub fn annotation(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.annotations.push((name.into(), value.into()));
        self
    }

    /// What is wrong with the template, if anything: a spec that is not an object,
    /// `containers` that is not a list of objects with names, an empty primary name.
    pub fn check(&self) -> Result<(), String> {
        if self.primary_container_name.trim().is_empty() {
            return Err("the primary container needs a name".to_string());
        }
        let Some(spec) = self.pod_spec.as_object() else {
            return Err(format!(
                "the pod spec must be a JSON object, not {}",
                self.pod_spec
            ));
        };
        match spec.get("containers") {
            None => Ok(()),
            Some(serde_json::Value::Array(items))
                if items
                    .iter()
                    .all(|c| c.get("name").and_then(|n| n.as_str()).is_some()) =>
            {
                Ok(())
            }
            Some(other) => Err(format!(
                "`containers` must be a list of containers, each with a `name`, not {other}"
            )),
        }
    }
}
