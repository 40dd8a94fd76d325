//! Signing in to flyteadmin (`flytekit::remote`): client credentials, an external
//! command's token, the device flow, token renewal, TLS with a private CA, and the
//! flytectl config file, against the stand-in flyteadmin and its OAuth2 server
//! (`tests/remote/admin_server.py --auth`).

use std::process::Stdio;

use flytekit::prelude::*;
use flytekit::registry::Registry;
use flytekit::remote::{Auth, Remote, RemoteConfig};
use tokio::io::AsyncBufReadExt;

use crate::admin;
use crate::support;
use admin::{Admin, settings};

#[task]
fn echo(path: String) -> String {
    path
}

#[workflow]
fn echo_wf(path: String) -> String {
    echo(path)
}

#[tokio::test]
async fn client_credentials_sign_in_and_wrong_ones_fail_at_once() {
    let admin = Admin::start_with(&["--auth", "flyte-rs:s3cret"]);
    let creds = |secret: &str| Auth::ClientSecret {
        client_id: "flyte-rs".into(),
        secret: secret.into(),
        scopes: vec![],
    };
    // Without a token flyteadmin says UNAUTHENTICATED.
    let anonymous = Remote::connect(admin.config()).await.unwrap();
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {});
    let err = anonymous
        .register(&registry, &settings("v1"))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("token is missing or not valid (Unauthenticated"),
        "{err}"
    );

    // Wrong credentials: refused when connecting, saying by whom.
    let err = Remote::connect(admin.config().auth(creds("wrong")))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("cannot sign in to flyteadmin: the token endpoint `http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains("refused client `flyte-rs` (401 Unauthorized)"),
        "{text}"
    );

    // The right ones: the token goes in the key flyteadmin names.
    let remote = Remote::connect(admin.config().auth(creds("s3cret")))
        .await
        .unwrap();
    let done = remote.register(&registry, &settings("v1")).await.unwrap();
    assert_eq!(done.created, 3);
}

#[tokio::test]
async fn tls_with_a_private_ca_from_the_config_file_and_client_credentials_over_https() {
    let certs = tempfile::tempdir().unwrap();
    let folder = certs.path().to_str().unwrap();
    let admin = Admin::start_with(&["--tls", folder, "--auth", "flyte-rs:s3cret"]);
    let secret = certs.path().join("secret");
    std::fs::write(&secret, "s3cret\n").unwrap();
    let yaml = format!(
        "admin:\n  endpoint: dns:///127.0.0.1:{}\n  insecure: false\n  caCertFilePath: {folder}/ca.pem\n  authType: ClientSecret\n  clientId: flyte-rs\n  clientSecretLocation: {}\n",
        admin.port,
        secret.display()
    );
    let config = RemoteConfig::from_yaml(&yaml).unwrap();
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {});

    // The CA is trusted for gRPC and for the token endpoint (HTTPS on the same host).
    let remote = Remote::connect(config.clone()).await.unwrap();
    let done = remote.register(&registry, &settings("v1")).await.unwrap();
    assert_eq!(done.created, 3);
    assert!(admin.requests().iter().any(|r| r["method"] == "Token"));

    // Without it the server's certificate is not trusted: refused when connecting.
    let mut untrusted = config.clone();
    untrusted.ca_cert = None;
    let err = Remote::connect(untrusted).await.unwrap_err();
    let text = flytekit::task::ErrorChain::new(&err).to_string();
    assert!(text.contains("cannot reach flyteadmin"), "{text}");
    assert!(text.to_lowercase().contains("certificate"), "{text}");

    // A missing CA file is named.
    let err = Remote::connect(config.ca_cert(certs.path().join("nope.pem")))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("nope.pem") && err.to_string().contains("CA certificate"),
        "{err}"
    );
}

/// The user approving the device at the page the sign-in printed.
async fn approve(page: &str) {
    let response = reqwest::get(page).await.unwrap();
    assert!(response.status().is_success(), "{page}: {response:?}");
}

fn grants(admin: &Admin) -> Vec<String> {
    admin
        .requests()
        .iter()
        .filter(|r| r["method"] == "Token")
        .map(|r| r["request"]["grant_type"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn device_flow_prints_a_page_and_code_and_signs_in_once_approved() {
    let admin = Admin::start_with(&["--auth", "flyte-rs:s3cret"]);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        format!(
            "admin:\n  endpoint: dns:///127.0.0.1:{}\n  insecure: true\n  authType: DeviceFlow\n",
            admin.port
        ),
    )
    .unwrap();
    // The program, as a user runs it: it prints where to approve it, and waits.
    let mut child = tokio::process::Command::new(support::example_binary("custom_task_plugin"))
        .args([
            "register",
            "--version",
            "d1",
            "--image",
            "ghcr.io/acme/app:1",
        ])
        .env("FLYTECTL_CONFIG", &config)
        .env("FLYTE_KEYRING", "off")
        .env_remove("FLYTE_PLATFORM_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let prompt = loop {
        let line = tokio::time::timeout(std::time::Duration::from_secs(30), stderr.next_line())
            .await
            .expect("a sign-in prompt within 30 s")
            .unwrap()
            .expect("a sign-in prompt before the program ends");
        if line.contains("To sign in") {
            break line;
        }
    };
    let page = prompt
        .split_whitespace()
        .find(|w| w.starts_with("http"))
        .unwrap_or_else(|| panic!("{prompt}"));
    assert!(prompt.ends_with("and enter code WDJB-MJHT"), "{prompt}");
    assert_eq!(
        page,
        format!(
            "{}/device?user_code=WDJB-MJHT",
            admin.oauth.as_ref().unwrap()
        )
    );
    approve(page).await;
    let out = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.starts_with("registered version d1"), "{stdout}");
    // The polls before the approval were `authorization_pending`; one token issued.
    assert_eq!(
        grants(&admin),
        ["urn:ietf:params:oauth:grant-type:device_code"]
    );
}

/// The demo's `register`, run as a user runs it with this flytectl config and
/// `$BROWSER`.
async fn register_as_user(
    config: &std::path::Path,
    browser: &std::path::Path,
    version: &str,
) -> std::process::Output {
    let out = tokio::process::Command::new(support::example_binary("custom_task_plugin"))
        .args([
            "register",
            "--version",
            version,
            "--image",
            "ghcr.io/acme/app:1",
        ])
        .env("FLYTECTL_CONFIG", config)
        .env("FLYTE_KEYRING", "off")
        .env("BROWSER", browser)
        .env_remove("FLYTE_PLATFORM_URL")
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(std::time::Duration::from_secs(60), out)
        .await
        .expect("register ends within a minute")
        .unwrap()
}

#[tokio::test]
async fn pkce_signs_in_through_the_browser_and_the_redirect_back() {
    let dir = tempfile::tempdir().unwrap();
    // A free port for the redirect, as flyteadmin's public client config names it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redirect = format!("http://localhost:{port}/callback");
    let admin = Admin::start_with(&["--auth", "flyte-rs:s3cret", "--redirect-uri", &redirect]);
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        format!(
            "admin:\n  endpoint: dns:///127.0.0.1:{}\n  insecure: true\n  authType: Pkce\n",
            admin.port
        ),
    )
    .unwrap();
    // The "browser": fetches the page and follows the redirect back, as a browser
    // does once the user signed in.
    let python = std::env::var("FLYTEKIT_PYTHON").expect("run with `bash .ci/test`");
    let browser = dir.path().join("browser");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nexec '{python}' -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' \"$1\" 2>>'{}'\n",
            dir.path().join("browser.log").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let out = register_as_user(&config, &browser, "p1").await;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let browser_log = std::fs::read_to_string(dir.path().join("browser.log")).unwrap_or_default();
    assert!(out.status.success(), "{stderr}\nbrowser: {browser_log}");
    assert!(stdout.starts_with("registered version p1"), "{stdout}");
    // The page was printed too, for when no browser opens.
    assert!(
        stderr.contains(
            "Signing in to flyteadmin in your browser; if none opens, open http://127.0.0.1:"
        ),
        "{stderr}"
    );
    // The code was traded with a verifier matching the challenge (the server checks).
    assert_eq!(grants(&admin), ["authorization_code"]);

    // A user who says no: the browser comes back with an error, which is said.
    let refusing = "import sys, urllib.parse as p, urllib.request as r; \
        q = dict(p.parse_qsl(p.urlparse(sys.argv[1]).query)); \
        r.urlopen(q['redirect_uri'] + '?error=access_denied&error_description=the+user+said+no&state=' + q['state']).read()";
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nexec '{python}' -c \"{refusing}\" \"$1\"\n"),
    )
    .unwrap();
    let out = register_as_user(&config, &browser, "p2").await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(
            "the authorization server refused the sign-in: access_denied (the user said no)"
        ),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_device_flow_token_is_renewed_with_its_refresh_token() {
    // Tokens good for 30 s: each call renews (a minute before expiry).
    let admin = Admin::start_with(&["--auth", "flyte-rs:s3cret", "--expires-in", "30"]);
    // Approved beforehand, so the first poll gets the token.
    approve(&format!(
        "{}/device?user_code=WDJB-MJHT",
        admin.oauth.as_ref().unwrap()
    ))
    .await;
    let auth = Auth::DeviceFlow {
        scopes: vec![],
        audience: Some("flyte".into()),
    };
    let remote = Remote::connect(admin.config().auth(auth)).await.unwrap();
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {});
    remote.register(&registry, &settings("v1")).await.unwrap();
    let grants = grants(&admin);
    assert_eq!(grants[0], "urn:ietf:params:oauth:grant-type:device_code");
    assert!(grants.len() > 1, "{grants:?}");
    assert!(
        grants[1..].iter().all(|g| g == "refresh_token"),
        "{grants:?}"
    );
    // The public client config's scopes, and the audience asked for.
    let token = admin
        .requests()
        .into_iter()
        .find(|r| r["method"] == "Token")
        .unwrap();
    assert_eq!(token["request"]["scope"], "all");
    assert_eq!(token["request"]["audience"], "flyte");
}

#[tokio::test]
async fn a_signed_in_users_token_is_kept_between_runs_and_logout_forgets_it() {
    let admin = Admin::start_with(&["--auth", "flyte-rs:s3cret"]);
    approve(&format!(
        "{}/device?user_code=WDJB-MJHT",
        admin.oauth.as_ref().unwrap()
    ))
    .await;
    let config = admin.config().auth(Auth::DeviceFlow {
        scopes: vec![],
        audience: None,
    });
    let device = "urn:ietf:params:oauth:grant-type:device_code";
    let list = |remote: Remote| async move {
        let query = flytekit::remote::ExecutionQuery::default();
        remote
            .executions("flytesnacks", "development", &query)
            .await
            .unwrap();
    };
    // A first run signs in; a second one, with a new client, takes the kept token.
    list(Remote::connect(config.clone()).await.unwrap()).await;
    assert_eq!(grants(&admin), [device]);
    list(Remote::connect(config.clone()).await.unwrap()).await;
    assert_eq!(grants(&admin), [device], "no new sign-in");
    let calls = admin
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "ListExecutions")
        .count();
    assert_eq!(calls, 2);
    // After `--logout` the next run signs in again.
    config.logout();
    list(Remote::connect(config.clone()).await.unwrap()).await;
    assert_eq!(grants(&admin), [device, device]);
}

#[tokio::test]
async fn a_token_from_an_external_command_signs_in() {
    let admin = Admin::start_with(&["--auth", "flyte-rs:s3cret", "--token", "tok-42"]);
    let command =
        |script: &str| Auth::ExternalCommand(vec!["sh".into(), "-c".into(), script.into()]);
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {});
    // The command's output, trimmed, is the token.
    let remote = Remote::connect(admin.config().auth(command("echo tok-42")))
        .await
        .unwrap();
    assert_eq!(
        remote
            .register(&registry, &settings("v1"))
            .await
            .unwrap()
            .created,
        3
    );
    // A token flyteadmin does not take is fetched once more, then reported.
    let remote = Remote::connect(admin.config().auth(command("printf not-the-token")))
        .await
        .unwrap();
    let err = remote
        .register(&registry, &settings("v2"))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("token is missing or not valid (Unauthenticated)"),
        "{err}"
    );
    let err = Remote::connect(
        admin
            .config()
            .auth(Auth::ExternalCommand(vec!["false".into()])),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot sign in to flyteadmin: the token command `false` failed"),
        "{err}"
    );
}

#[test]
fn the_config_file_is_read_as_flytectl_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("client_secret");
    std::fs::write(&secret, "s3cret\n").unwrap();
    let file = dir.path().join("config.yaml");
    std::fs::write(
        &file,
        format!(
            "admin:\n  endpoint: dns:///127.0.0.1:30080\n  insecure: true\n  authType: ClientSecret\n  clientId: flyte-rs\n  clientSecretLocation: {}\n",
            secret.display()
        ),
    )
    .unwrap();
    let config = RemoteConfig::from_file(&file).unwrap();
    assert_eq!(config.endpoint, "dns:///127.0.0.1:30080");
    assert!(config.insecure);
    assert_eq!(
        config.auth,
        Auth::ClientSecret {
            client_id: "flyte-rs".into(),
            secret: "s3cret".into(),
            scopes: vec![]
        }
    );
    std::fs::remove_file(&secret).unwrap();
    let err = RemoteConfig::from_file(&file).unwrap_err().to_string();
    assert!(err.contains("cannot read the client secret at"), "{err}");
}

#[tokio::test]
async fn a_token_is_renewed_a_minute_before_it_expires() {
    let creds = Auth::ClientSecret {
        client_id: "flyte-rs".into(),
        secret: "s3cret".into(),
        scopes: vec![],
    };
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {});
    let tokens = |admin: &Admin| {
        admin
            .requests()
            .iter()
            .filter(|r| r["method"] == "Token")
            .count()
    };

    // Good for an hour: one token for every call.
    let admin = Admin::start_with(&["--auth", "flyte-rs:s3cret"]);
    let remote = Remote::connect(admin.config().auth(creds.clone()))
        .await
        .unwrap();
    remote.register(&registry, &settings("v1")).await.unwrap();
    assert_eq!(tokens(&admin), 1);

    // Good for 30 s, less than the minute kept in hand: a new one for each call.
    let admin = Admin::start_with(&["--auth", "flyte-rs:s3cret", "--expires-in", "30"]);
    let remote = Remote::connect(admin.config().auth(creds)).await.unwrap();
    remote.register(&registry, &settings("v1")).await.unwrap();
    assert_eq!(
        tokens(&admin),
        4,
        "at connect, then for each of three entities"
    );
}
