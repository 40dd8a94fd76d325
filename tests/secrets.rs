//! Secrets: requested in `#[task(secret(..))]`, read through the task's context with
//! flytekit's lookup (the named env var, `_FSEC_<GROUP>[_<VERSION>]_<KEY>`, the file
//! under `FLYTE_SECRETS_DEFAULT_DIR`), given to a local run by `RunOptions::secret`,
//! and never shown: not in Debug, not in a local run's error, not in `error.pb`.
//! One test: it sets process environment variables before any runtime starts.

use std::sync::Arc;

use flytekit::data::FileAccess;
use flytekit::entrypoint::{ExecuteRequest, Outcome, execute};
use flytekit::execution::ClusterIdentity;
use flytekit::prelude::*;
use flytekit::registry::Registry;
use flytekit::task::{ErrorChain, SecretError};
use prost::Message;

const DB_PASSWORD: &str = "db-pa55-from-env";
const TOKEN: &str = "tok-from-prefixed-env";
const CERT: &str = "-----CERT FROM FILE-----";
const LOCAL: &str = "local-only-value";

fn ctx() -> ExecutionContext {
    ExecutionContext::current().expect("runs as a task")
}

/// Reads all three and reports their lengths (never the values).
#[task(
    secret(group = "db", key = "password", env_var = "DB_PASSWORD"),
    secret(group = "tls", key = "cert", mount = file),
    secret(group = "api", key = "token", version = "v2")
)]
fn read_all() -> Result<Vec<i64>, SecretError> {
    let c = ctx();
    Ok(vec![
        c.secret("db", "password")?.expose().len() as i64,
        c.secret("tls", "cert")?.expose().len() as i64,
        c.secret("api", "token")?.expose().len() as i64,
    ])
}

/// Reads a whole group (no key): one value, mounted as GCP's webhook mounts it.
#[task(secret(group = "gcp-token", version = "3", mount = file))]
fn read_group() -> Result<i64, SecretError> {
    Ok(ctx().group_secret("gcp-token")?.expose().len() as i64)
}

#[workflow]
fn wf_read_group() -> i64 {
    read_group()
}

/// Fails with an error that quotes the secret, as careless code might.
#[task(secret(group = "db", key = "password", env_var = "DB_PASSWORD"))]
fn leaky() -> Result<i64, flytekit::task::BoxError> {
    let password = ctx().secret("db", "password")?;
    Err(format!("login refused for password {}", password.expose()).into())
}

/// Panics with the secret in the message.
#[task(secret(group = "db", key = "password", env_var = "DB_PASSWORD"))]
fn panicky() -> i64 {
    let password = ctx().secret("db", "password").unwrap();
    panic!("cannot use {}", password.expose())
}

/// Asks for a secret it did not request.
#[task]
fn unrequested() -> Result<i64, SecretError> {
    ctx().secret("db", "password").map(|_| 0)
}

/// A secret only the local run's options provide.
#[task(secret(group = "local", key = "only"))]
fn local_only() -> Result<bool, SecretError> {
    Ok(ctx().secret("local", "only")?.expose() == LOCAL)
}

#[workflow]
fn wf_read_all() -> Vec<i64> {
    read_all()
}

#[workflow]
fn wf_leaky() -> i64 {
    leaky()
}

#[workflow]
fn wf_panicky() -> i64 {
    panicky()
}

#[workflow]
fn wf_unrequested() -> i64 {
    unrequested()
}

#[workflow]
fn wf_local_only() -> bool {
    local_only()
}

fn request(task: &str, node: &str) -> ExecuteRequest {
    ExecuteRequest {
        task_name: task.to_string(),
        inputs: format!("memory:///run/{node}/inputs.pb"),
        output_prefix: format!("memory:///run/{node}/out"),
        raw_output_prefix: Some("memory:///run/raw".to_string()),
        checkpoint_path: None,
        prev_checkpoint: None,
    }
}

/// The text of a local run's error, every way a user would print it.
fn shown(e: &RunError) -> String {
    format!("{e}\n{e:?}\n{}", ErrorChain::new(e).multiline())
}

#[test]
fn secrets_are_found_where_flyte_mounts_them_and_never_shown() {
    let dir = std::env::temp_dir().join(format!("flyte-secrets-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("tls")).unwrap();
    std::fs::write(dir.join("tls").join("cert"), format!("{CERT}\n")).unwrap();
    // GCP's webhook: `<dir>/<group>/<version>` holds the whole secret.
    std::fs::create_dir_all(dir.join("gcp-token")).unwrap();
    std::fs::write(dir.join("gcp-token").join("3"), "whole-group-value").unwrap();
    // SAFETY: the only test in this binary, and no runtime or other thread is running yet.
    unsafe {
        std::env::set_var("DB_PASSWORD", DB_PASSWORD);
        std::env::set_var("_FSEC_API_V2_TOKEN", TOKEN);
        std::env::set_var("FLYTE_SECRETS_DEFAULT_DIR", &dir);
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        // Each from its own place: named env var, prefixed env var, file (trimmed).
        let lens = wf_read_all::run().await.unwrap();
        assert_eq!(
            lens,
            vec![
                DB_PASSWORD.len() as i64,
                CERT.len() as i64,
                TOKEN.len() as i64
            ]
        );

        // A whole group: its file, and in the task template a request with no key.
        assert_eq!(
            wf_read_group::run().await.unwrap(),
            "whole-group-value".len() as i64
        );
        let text = shown(&wf_unrequested::run().await.unwrap_err());
        assert!(
            text.contains("secret(group = \"db\", key = \"password\")"),
            "{text}"
        );
        let settings = flytekit::idl::SerializationSettings {
            project: "p".into(),
            domain: "d".into(),
            version: "v1".into(),
            image: "img:1".into(),
            images: Default::default(),
            entrypoint: "/usr/local/bin/app".into(),
            fast: None,
        };
        let template = flytekit::idl::task_template(&read_group {}, &settings);
        let secrets = &template.security_context.unwrap().secrets;
        assert_eq!(secrets.len(), 1);
        assert_eq!(
            (secrets[0].group.as_str(), secrets[0].key.as_str()),
            ("gcp-token", "")
        );
        assert_eq!(secrets[0].group_version, "3");
        assert_eq!(
            secrets[0].mount_requirement,
            flytekit::idl::core::SecretMountType::File as i32
        );

        // Run options come first, and provide what the environment does not.
        let err = wf_local_only::run().await.unwrap_err();
        let text = shown(&err);
        assert!(text.contains("secret `local/only` not found"), "{text}");
        assert!(text.contains("env var _FSEC_LOCAL_ONLY"), "{text}");
        let opts = RunOptions::default().secret("local", None, "only", LOCAL);
        assert!(wf_local_only::run_with(&opts, ()).await.unwrap());

        // Not requested: refused, with the fix, though the env var exists.
        let text = shown(&wf_unrequested::run().await.unwrap_err());
        assert!(
            text.contains("did not request secret `db/password`"),
            "{text}"
        );

        // An error or panic quoting the value is masked in every rendering.
        for err in [
            wf_leaky::run().await.unwrap_err(),
            wf_panicky::run().await.unwrap_err(),
        ] {
            let text = shown(&err);
            assert!(!text.contains(DB_PASSWORD), "{text}");
            assert!(text.contains("***"), "{text}");
        }
        let text = shown(&wf_leaky::run().await.unwrap_err());
        assert!(text.contains("login refused for password ***"), "{text}");

        // On a cluster: error.pb holds the masked message.
        let mut registry = Registry::new();
        registry.task(&leaky {}).task(&panicky {});
        let files = Arc::new(FileAccess::new());
        for (task, node) in [("secrets.leaky", "a"), ("secrets.panicky", "b")] {
            let req = request(task, node);
            files
                .put(
                    &req.inputs,
                    flytekit::idl::core::LiteralMap::default().encode_to_vec(),
                )
                .await
                .unwrap();
            let outcome = execute(&registry, files.clone(), ClusterIdentity::default(), &req)
                .await
                .unwrap();
            let Outcome::Failed(doc) = outcome else {
                panic!("{task} fails");
            };
            assert!(!doc.message.contains(DB_PASSWORD), "{}", doc.message);
            assert!(doc.message.contains("***"), "{}", doc.message);
            let written = files
                .get(&format!("memory:///run/{node}/out/error.pb"))
                .await
                .unwrap();
            assert!(!String::from_utf8_lossy(&written).contains(DB_PASSWORD));
        }
    });

    // A value's Debug shows nothing of it.
    let opts = RunOptions::default().secret("local", None, "only", LOCAL);
    assert!(!format!("{opts:?}").contains(LOCAL));
    let _ = std::fs::remove_dir_all(&dir);
}
