//! [`Resources`]: the Kubernetes resources a task's container asks for (requests) or
//! may not exceed (limits), as flytekit's `Resources` sets them.

/// Amounts of cpu, memory, gpu and ephemeral storage, each a Kubernetes quantity
/// (`"500m"`, `"2"`, `"2Gi"`, `"10G"`, `"1e3"`), written to the container as given.
/// Set with the builder methods, read as fields.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::task::{Resources, TaskMetadata};
/// let m = TaskMetadata::default()
///     .requests(Resources::new().cpu("500m").mem("2Gi"))
///     .limits(Resources::new().cpu("1").mem("4Gi").gpu("1"));
/// assert_eq!(m.node.requests.cpu.as_deref(), Some("500m"));
/// assert!(m.validate().is_ok());
/// assert!(TaskMetadata::default().limits(Resources::new().mem("4 GB")).validate().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resources {
    /// CPU cores (`"500m"` is half a core).
    pub cpu: Option<String>,
    /// Memory (`"2Gi"`).
    pub mem: Option<String>,
    /// GPUs (`"1"`).
    pub gpu: Option<String>,
    /// Ephemeral storage (`"10Gi"`).
    pub ephemeral_storage: Option<String>,
}

impl Resources {
    /// No amounts; usable in `const`/`static`.
    pub const fn new() -> Self {
        Resources {
            cpu: None,
            mem: None,
            gpu: None,
            ephemeral_storage: None,
        }
    }

    /// CPU cores (`"500m"` is half a core).
    pub fn cpu(mut self, quantity: impl Into<String>) -> Self {
        self.cpu = Some(quantity.into());
        self
    }

    /// Memory (`"2Gi"`, `"512Mi"`, `"1G"`).
    pub fn mem(mut self, quantity: impl Into<String>) -> Self {
        self.mem = Some(quantity.into());
        self
    }

    /// GPUs (`"1"`).
    pub fn gpu(mut self, quantity: impl Into<String>) -> Self {
        self.gpu = Some(quantity.into());
        self
    }

    /// Ephemeral storage (`"10Gi"`).
    pub fn ephemeral_storage(mut self, quantity: impl Into<String>) -> Self {
        self.ephemeral_storage = Some(quantity.into());
        self
    }

    /// Whether no amount is set.
    pub fn is_empty(&self) -> bool {
        self.entries().next().is_none()
    }

    /// The amounts that are set, in the order flytekit writes them into a container
    /// (ephemeral storage, cpu, gpu, memory).
    pub fn entries(&self) -> impl Iterator<Item = (ResourceKind, &str)> {
        [
            (ResourceKind::EphemeralStorage, &self.ephemeral_storage),
            (ResourceKind::Cpu, &self.cpu),
            (ResourceKind::Gpu, &self.gpu),
            (ResourceKind::Mem, &self.mem),
        ]
        .into_iter()
        .filter_map(|(kind, v)| v.as_deref().map(|v| (kind, v)))
    }
}

/// Which resource an amount is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// Ephemeral storage.
    EphemeralStorage,
    /// CPU cores.
    Cpu,
    /// GPUs.
    Gpu,
    /// Memory.
    Mem,
}

impl ResourceKind {
    /// The name flytekit's `Resources` (and `#[task(requests(..))]`) gives it.
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::EphemeralStorage => "ephemeral_storage",
            ResourceKind::Cpu => "cpu",
            ResourceKind::Gpu => "gpu",
            ResourceKind::Mem => "mem",
        }
    }
}

/// A GPU the task's pod is scheduled with (flytekit's `accelerator`): a device such as
/// `"nvidia-tesla-a100"` (the node label Flyte matches), whole or as a MIG partition.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::task::Accelerator;
/// let mig = Accelerator::new("nvidia-tesla-a100").partition("2g.10gb");
/// assert_eq!(mig.partition_size(), Some("2g.10gb"));
/// assert!(Accelerator::new("nvidia-tesla-a100").unpartitioned().is_unpartitioned());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accelerator {
    device: String,
    partition: Partition,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Partition {
    /// Whatever the cluster gives.
    Any,
    /// A whole GPU, never a partition.
    Unpartitioned,
    /// One MIG partition of this size.
    Size(String),
}

impl Accelerator {
    /// A GPU of this device type.
    pub fn new(device: impl Into<String>) -> Self {
        Accelerator {
            device: device.into(),
            partition: Partition::Any,
        }
    }

    /// A MIG partition of this size (`"1g.5gb"`, `"2g.10gb"`, ...).
    pub fn partition(mut self, size: impl Into<String>) -> Self {
        self.partition = Partition::Size(size.into());
        self
    }

    /// A whole GPU, on nodes whose GPUs are not partitioned.
    pub fn unpartitioned(mut self) -> Self {
        self.partition = Partition::Unpartitioned;
        self
    }

    /// The device type.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// The partition size, if one is asked for.
    pub fn partition_size(&self) -> Option<&str> {
        match &self.partition {
            Partition::Size(s) => Some(s),
            _ => None,
        }
    }

    /// Whether a whole, unpartitioned GPU is asked for.
    pub fn is_unpartitioned(&self) -> bool {
        self.partition == Partition::Unpartitioned
    }
}

/// Shared memory (`/dev/shm`) mounted into the task's container (flytekit's
/// `shared_memory`), unbounded or up to a size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SharedMemory {
    size_limit: Option<String>,
}

impl SharedMemory {
    /// Shared memory without a size limit (flytekit's `shared_memory=True`).
    pub fn new() -> Self {
        SharedMemory::default()
    }

    /// Shared memory up to a Kubernetes quantity (`"2Gi"`).
    pub fn limit(size: impl Into<String>) -> Self {
        SharedMemory {
            size_limit: Some(size.into()),
        }
    }

    /// The size limit, if any.
    pub fn size_limit(&self) -> Option<&str> {
        self.size_limit.as_deref()
    }
}

/// Whether `s` is a Kubernetes quantity: a non-negative number (`2`, `0.5`, `.5`) and
/// an optional suffix, binary (`Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`), decimal (`n`, `u`,
/// `m`, `k`, `M`, `G`, `T`, `P`, `E`) or an exponent (`e3`, `E-2`).
///
/// A `const fn`, so `#[task]` checks its literal settings while compiling.
pub const fn is_quantity(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && b[i] == b'+' {
        i += 1;
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return false;
    }
    match b.len() - i {
        0 => true,
        1 if matches!(
            b[i],
            b'n' | b'u' | b'm' | b'k' | b'M' | b'G' | b'T' | b'P' | b'E'
        ) =>
        {
            true
        }
        2 if b[i + 1] == b'i' && matches!(b[i], b'K' | b'M' | b'G' | b'T' | b'P' | b'E') => true,
        _ => is_exponent(b, i),
    }
}

/// `e` or `E`, an optional sign, then digits to the end.
const fn is_exponent(b: &[u8], mut i: usize) -> bool {
    if !matches!(b[i], b'e' | b'E') {
        return false;
    }
    i += 1;
    if i < b.len() && matches!(b[i], b'+' | b'-') {
        i += 1;
    }
    if i == b.len() {
        return false;
    }
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_quantities_are_told_from_other_text() {
        for good in [
            "1", "500m", "0.5", ".5", "2.", "+1", "2Gi", "512Mi", "1Ki", "3Ei", "10G", "1k", "5M",
            "100n", "7u", "1E", "1e3", "1E-2", "2e+4",
        ] {
            assert!(is_quantity(good), "{good}");
        }
        for bad in [
            "", "m", "Gi", ".", "-1", "1.5.2", "2 Gi", "2GB", "2gi", "1K", "1ki", "4Gib", "1e",
            "1e-", "1e3.5", "1x", "one", "1,5",
        ] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn entries_come_in_flytekit_order() {
        let r = Resources::new()
            .mem("4Gi")
            .gpu("1")
            .cpu("1")
            .ephemeral_storage("10Gi");
        let names: Vec<_> = r.entries().map(|(k, _)| k.name()).collect();
        assert_eq!(names, ["ephemeral_storage", "cpu", "gpu", "mem"]);
        assert!(Resources::new().is_empty());
    }
}
