use flytekit::prelude::*;

// `resources(..)` sets requests and limits together: not with `requests(..)`.
#[task(resources(cpu = ("1", "2")), requests(mem = "1Gi"))]
fn both(x: i64) -> i64 {
    x
}

// Names are flytekit's: `mem`, not `memory`; each once.
#[task(limits(memory = "1Gi", cpu = "1", cpu = "2"))]
fn names(x: i64) -> i64 {
    x
}

// A (request, limit) pair belongs in `resources(..)`.
#[task(requests(cpu = ("1", "2")))]
fn pair(x: i64) -> i64 {
    x
}


// An accelerator is whole or one partition size, and needs its device.
#[task(accelerator(device = "nvidia-tesla-a100", partition = "2g.10gb", unpartitioned))]
fn mig(x: i64) -> i64 {
    x
}

#[task(accelerator(partition = "2g.10gb"))]
fn no_device(x: i64) -> i64 {
    x
}

// The device is written first as a plain string, or named, but once.
#[task(accelerator(unpartitioned, "nvidia-tesla-a100"))]
fn device_last(x: i64) -> i64 {
    x
}

#[task(accelerator("nvidia-tesla-a100", device = "nvidia-l4"))]
fn device_twice(x: i64) -> i64 {
    x
}

// A PodTemplate is named as any Kubernetes object.
#[task(pod_template_name = "GPU Nodes")]
fn pod(x: i64) -> i64 {
    x
}

fn main() {}
