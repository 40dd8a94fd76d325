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

fn main() {}
