//! Misused `#[task]` settings, one module a case: each mistake is one error at the setting.
//! (Cases share a file: each file is a crate trybuild checks against the SDK,
//! a few seconds apiece.)

mod bad_env {
    use flytekit::prelude::*;

    // Kubernetes takes letters, digits, `_`, `-` and `.`, not starting with a digit; each
    // name once.
    #[task(environment("1ST" = "x", "MY VAR" = "y", REGION = "eu", REGION = "us"))]
    fn t(x: i64) -> i64 {
        x
    }
}

mod bad_labels_and_cache_ignore {
    use flytekit::prelude::*;

    // Label and annotation keys as Kubernetes takes them; label values too.
    #[task(labels(team = "ML team"), annotations("-bad" = "any value is fine"))]
    fn labelled(x: i64) -> i64 {
        x
    }

    // Ignored inputs are inputs of the task, and only with a cache.
    #[task(cache = true, cache_version = "1", cache_ignore_input_vars = ["log_level", "verbose"])]
    fn cached(x: i64, log_level: String) -> i64 {
        let _ = log_level;
        x
    }

    #[task(cache_ignore_input_vars = ["x"])]
    fn uncached(x: i64) -> i64 {
        x
    }
}

mod bad_reference {
    use flytekit::prelude::*;

    // A reference has no body: Flyte runs the registered task.
    #[reference_task(project = "p", domain = "d", name = "acme.score", version = "v1")]
    fn with_body(x: i64) -> f64 {
        x as f64
    }

    // Every part of the identifier is needed.
    #[reference_task(project = "p", domain = "d", name = "acme.score")]
    fn no_version(x: i64) -> f64;

    #[reference_launch_plan(project = "p", domain = "", name = "acme.lp", version = "v1")]
    fn empty_domain(x: i64) -> f64;

    #[reference_task(project = "p", domain = "d", name = "acme.score", version = "v1", retries = 3)]
    fn unknown_key(x: i64) -> f64;
}

mod bad_secret {
    use flytekit::prelude::*;

    // A secret needs a group, a known mount, an env var name Kubernetes accepts, and
    // may be requested once; without a key (the whole group) it is mounted as a file and
    // names its version.
    #[task(
        secret(key = "password"),
        secret(group = "db", key = "password", mount = disk),
        secret(group = "db", key = "token", mount = file, env_var = "TOKEN"),
        secret(group = "db", key = "cert", env_var = "1CERT"),
        secret(group = "api", key = "token"),
        secret(group = "api", key = "token"),
        secret(group = "creds", mount = env_var),
        secret(group = "creds", env_var = "CREDS"),
        secret(group = "no-version", mount = file),
        secret(group = "whole", version = "1", mount = file),
        secret(group = "whole", version = "1", mount = file)
    )]
    fn t(x: i64) -> i64 {
        x
    }
}

mod bad_timeout {
    use flytekit::prelude::*;

    // The flytekit tutorial's own spelling, which humantime rejects.
    #[task(timeout = "1H")]
    fn slow(x: i64) -> i64 {
        x
    }
}

mod cache_without_version {
    use flytekit::prelude::*;

    #[task(cache = true)]
    fn cached(x: i64) -> i64 {
        x
    }
}

mod many_errors {
    use flytekit::prelude::*;

    // Every problem is reported at once, each at its own tokens.
    #[task]
    async unsafe fn everything_wrong<T>(self, (a, b): (i64, i64), name: &str) -> impl Clone {
        1
    }
}

mod output_names {
    use flytekit::prelude::*;

    #[task(outputs(sum, product, extra))]
    fn both(a: i64, b: i64) -> (i64, i64) {
        (a + b, a * b)
    }

    #[task(outputs(same, same))]
    fn twice(a: i64) -> (i64, i64) {
        (a, a)
    }
}

mod resources_misuse {
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
}

mod run_in_pod_on_task {
    use flytekit::prelude::*;

    // `run_in_pod` is a setting of dynamic tasks only.
    #[task(run_in_pod)]
    fn plain(x: i64) -> i64 {
        x
    }
}

mod too_many {
    use flytekit::prelude::*;

    // Sixteen is the most (flytekit_core::types::MAX_ARITY); the seventeenth is the error.
    #[task]
    fn wide(p0: i64, p1: i64, p2: i64, p3: i64, p4: i64, p5: i64, p6: i64, p7: i64, p8: i64, p9: i64, p10: i64, p11: i64, p12: i64, p13: i64, p14: i64, p15: i64, p16: i64) -> i64 {
        p0 + p1 + p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9 + p10 + p11 + p12 + p13 + p14 + p15 + p16
    }

    #[task]
    fn tall() -> (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) {
        (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
    }
}

mod typo_key {
    use flytekit::prelude::*;

    // A slip in a setting's name says which one was meant.
    #[task(retires = 3)]
    fn work(x: i64) -> i64 {
        x
    }

    #[workflow(on_falure = work)]
    fn wf(x: i64) -> i64 {
        work(x)
    }
}

mod unknown_key {
    use flytekit::prelude::*;

    #[task(retries = 3, max_retries = 5)]
    fn work(x: i64) -> i64 {
        x
    }
}

mod primitive_name {
    use flytekit::prelude::*;

    // A task is also a type of its function's name: `str` would hide the primitive.
    #[task]
    fn str(x: String) -> String {
        x
    }
}

mod bad_cache_auto {
    use flytekit::prelude::*;

    // `auto` derives the version: a version given as well is a mistake.
    #[task(cache = auto, cache_version = "1")]
    fn twice(x: i64) -> i64 {
        x
    }

    // `cache` takes true, false or auto.
    #[task(cache = maybe)]
    fn unsure(x: i64) -> i64 {
        x
    }
}

mod bad_task_settings {
    use flytekit::prelude::*;

    // Shared settings are checked as a task's are, and refuse what belongs to one task.
    #[task_settings(name = "etl", timeout = "1H", outputs(total))]
    fn etl() {}

    #[task_settings(retries = 2)]
    fn with_body(x: i64) -> i64 {
        x
    }

    // A task names shared settings by a path.
    #[task(settings = "etl")]
    fn quoted(x: i64) -> i64 {
        x
    }
}

fn main() {}
