use flyte::prelude::*;

// A secret needs a group and a key, a known mount, an env var name Kubernetes
// accepts, and may be requested once.
#[task(
    secret(key = "password"),
    secret(group = "db", key = "password", mount = disk),
    secret(group = "db", key = "token", mount = file, env_var = "TOKEN"),
    secret(group = "db", key = "cert", env_var = "1CERT"),
    secret(group = "api", key = "token"),
    secret(group = "api", key = "token")
)]
fn t(x: i64) -> i64 {
    x
}

fn main() {}
