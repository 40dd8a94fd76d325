//! `image` and `--image auto`: the program laid onto a base image and pushed over the
//! OCI distribution API, against Debian's docker-registry (the CNCF distribution
//! server) on 127.0.0.1 that `.ci/test` starts. skopeo inspects and copies what was
//! pushed, umoci unpacks it, and the program inside runs a task as a stock pod would.
//! The tests' base images are made here with umoci from the host's C library, never
//! pulled from the internet.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flytekit::data::FileAccess;
use flytekit::idl::core as pb;

use crate::stock_pod::{
    NodePaths, lit, output, pod_env, put_inputs, read_package, succeeded, task_template,
};
use crate::support;
use crate::support::oci::{Has, base, base_image, host_libraries, registry, tool, unpack_layout};

/// `example image ...` against the test registry.
fn image(example: &str, args: &[&str]) -> Output {
    Command::new(support::example_binary(example))
        .arg("image")
        .args(["--insecure-registry", &registry()])
        .args(args)
        .env_remove("FLYTE_IMAGE_REPO")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `skopeo inspect` of a pushed image: `--raw` for the manifest, `--config`.
fn inspect(reference: &str, what: &str) -> serde_json::Value {
    let out = tool(
        "skopeo",
        &[
            "inspect",
            what,
            "--tls-verify=false",
            &format!("docker://{reference}"),
        ],
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn an_image_is_pushed_once_its_layers_reused_and_a_new_program_gets_a_new_tag() {
    let repo = format!("{}/demo/once", registry());
    let args = ["--base", base(), "--repo", &repo, "--env", "RUST_LOG=debug"];
    let first = image("dynamic_fanout", &[&args[..], &["--push"]].concat());
    succeeded(&first);
    let reference = String::from_utf8(first.stdout.clone())
        .unwrap()
        .trim()
        .to_string();
    let tag = reference
        .strip_prefix(&format!("{repo}:rs-"))
        .expect(&reference);
    assert!(
        tag.len() == 16 && tag.bytes().all(|b| b.is_ascii_hexdigit()),
        "{reference}"
    );
    // The program and the config are uploaded; the base's layer is mounted from its
    // repository on the same registry.
    assert!(
        stderr(&first).starts_with(&format!("pushed {reference}: uploaded 2 blob(s) (")),
        "{}",
        stderr(&first)
    );
    assert!(stderr(&first).ends_with("reused 1 layer(s) the registry had\n"));

    let manifest = inspect(&reference, "--raw");
    let base_manifest = inspect(base(), "--raw");
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2, "the base's layer and the program's");
    assert_eq!(layers[0], base_manifest["layers"][0]);
    assert_eq!(
        manifest["mediaType"],
        "application/vnd.oci.image.manifest.v1+json"
    );
    let config = inspect(&reference, "--config");
    // No entrypoint: the tasks' arguments start with the program's path.
    assert!(
        config["config"]
            .get("Entrypoint")
            .is_none_or(|e| e.is_null()),
        "{config}"
    );
    assert_eq!(
        config["config"]["Cmd"],
        serde_json::json!(["/usr/local/bin/dynamic_fanout"])
    );
    assert_eq!(
        config["config"]["Env"],
        serde_json::json!(["RUST_LOG=debug"])
    );
    assert_eq!(
        (&config["os"], &config["architecture"]),
        (&"linux".into(), &"amd64".into())
    );
    assert_eq!(config["rootfs"]["diff_ids"].as_array().unwrap().len(), 2);

    // Again: the same tag, nothing uploaded.
    let again = image("dynamic_fanout", &[&args[..], &["--push"]].concat());
    succeeded(&again);
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), reference);
    assert_eq!(
        stderr(&again),
        format!("{reference} is up to date (the same base and program): nothing uploaded\n")
    );

    // Another program: a new tag; only it and its config are uploaded.
    let other = support::example_binary("custom_task_plugin");
    let changed = image(
        "dynamic_fanout",
        &[&args[..], &["--push", "--binary", other.to_str().unwrap()]].concat(),
    );
    succeeded(&changed);
    let new_reference = String::from_utf8_lossy(&changed.stdout).trim().to_string();
    assert_ne!(new_reference, reference);
    assert!(
        stderr(&changed).contains(": uploaded 2 blob(s)"),
        "{}",
        stderr(&changed)
    );
    let config = inspect(&new_reference, "--config");
    assert_eq!(
        config["config"]["Cmd"],
        serde_json::json!(["/usr/local/bin/custom_task_plugin"])
    );

    // Without --push: checked, not pushed.
    let dry = image(
        "custom_task_plugin",
        &[
            "--base",
            base(),
            "--repo",
            &format!("{}/demo/dry", registry()),
        ],
    );
    succeeded(&dry);
    assert!(
        stderr(&dry).ends_with("is not in the registry: pass --push to push it\n"),
        "{}",
        stderr(&dry)
    );
    assert_unknown_repository("demo/dry");

    // The demo's image runs the demo's `print_file` as a pod would.
    let dir = tempfile::tempdir().unwrap();
    let tgz = dir.path().join("package.tgz");
    let out = Command::new(&other)
        .args(["package", "--image", &new_reference, "--version", "v1"])
        .args(["--project", "flytesnacks", "--domain", "development", "-o"])
        .arg(&tgz)
        .output()
        .unwrap();
    succeeded(&out);
    let template = task_template(&read_package(&tgz), "custom_task_plugin.print_file");
    let root = unpack(&new_reference, dir.path());
    let fs = FileAccess::new();
    let n0 = NodePaths::new("image-demo-n0");
    put_inputs(
        &fs,
        &n0,
        &[("path", lit("s3://bucket/landed.csv".to_string()))],
    )
    .await;
    let ran = run_in_image(&root, &template, &n0).await;
    succeeded(&ran);
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        "s3://bucket/landed.csv\n"
    );
    assert_eq!(
        output::<String>(&fs, &n0, "o0").await,
        "s3://bucket/landed.csv"
    );
}

/// The registry has no repository of that name: nothing was pushed to it.
fn assert_unknown_repository(name: &str) {
    let out = Command::new("skopeo")
        .args(["list-tags", "--tls-verify=false"])
        .arg(format!("docker://{}/{name}", registry()))
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "{name} was pushed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A root filesystem of `reference`, copied and unpacked as a runtime would.
fn unpack(reference: &str, dir: &Path) -> PathBuf {
    let layout = format!("{}:img", dir.join("layout").display());
    tool(
        "skopeo",
        &[
            "copy",
            "--src-tls-verify=false",
            &format!("docker://{reference}"),
            &format!("oci:{layout}"),
        ],
    );
    unpack_layout(&layout, &dir.join("bundle"))
}

/// The template's container started in `root` as a pod starts it: the template's
/// first argument (the program's path in the image) run inside the image's root, with
/// only the pod's environment.
async fn run_in_image(root: &Path, template: &pb::TaskTemplate, paths: &NodePaths) -> Output {
    let container = template.container.as_ref().unwrap();
    let args = paths.fill(&container.args);
    let name = &template.id.as_ref().unwrap().name;
    // As root: chroot; otherwise a user namespace where this user is root.
    let mut cmd = if unsafe_is_root() {
        let mut cmd = tokio::process::Command::new("chroot");
        cmd.arg(root);
        cmd
    } else {
        let mut cmd = tokio::process::Command::new("unshare");
        cmd.args(["--map-root-user", "--root"]).arg(root);
        cmd
    };
    cmd.args(&args)
        .env_clear()
        .envs(pod_env(name, container, Path::new("/root")))
        .kill_on_drop(true);
    tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
        .await
        .expect("the pod finishes within a minute")
        .unwrap()
}

fn unsafe_is_root() -> bool {
    String::from_utf8_lossy(&tool("id", &["-u"]).stdout).trim() == "0"
}

#[tokio::test]
async fn package_with_image_auto_pushes_the_image_its_tasks_then_run_from() {
    let dir = tempfile::tempdir().unwrap();
    let repo = format!("{}/demo/auto", registry());
    let tgz = dir.path().join("package.tgz");
    let out = Command::new(support::example_binary("dynamic_fanout"))
        .args(["package", "--image", &format!("auto:{}", base())])
        .args(["--image", &format!("gpu=auto:{}", base())])
        .args(["--insecure-registry", &registry()])
        .args([
            "--version",
            "v1",
            "--project",
            "flytesnacks",
            "--domain",
            "development",
        ])
        .arg("-o")
        .arg(&tgz)
        .env("FLYTE_IMAGE_REPO", &repo)
        .output()
        .unwrap();
    succeeded(&out);
    let said = stderr(&out);
    // The first `auto` pushed it (or found it), the second found it.
    let reference = said
        .lines()
        .find_map(|l| {
            l.strip_prefix("pushed ")
                .and_then(|l| l.split_once(": uploaded"))
                .map(|(r, _)| r)
                .or_else(|| {
                    l.strip_suffix(" is up to date (the same base and program): nothing uploaded")
                })
        })
        .unwrap_or_else(|| panic!("{said}"))
        .to_string();
    assert!(reference.starts_with(&format!("{repo}:rs-")), "{said}");

    let files = read_package(&tgz);
    let template = task_template(&files, "dynamic_fanout.partition");
    assert_eq!(template.container.as_ref().unwrap().image, reference);
    assert_eq!(
        template.container.as_ref().unwrap().args[0],
        "/usr/local/bin/dynamic_fanout"
    );

    // The image runs the task: inputs and outputs through the S3 server.
    let root = unpack(&reference, dir.path());
    let fs = FileAccess::new();
    let n0 = NodePaths::new("image-n0");
    put_inputs(&fs, &n0, &[("total", lit(10i64)), ("size", lit(4i64))]).await;
    succeeded(&run_in_image(&root, &template, &n0).await);
    assert_eq!(output::<Vec<i64>>(&fs, &n0, "o0").await, vec![0, 4, 8]);
}

#[test]
fn programs_that_cannot_run_in_the_pods_are_refused_before_any_upload() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |binary: &Path, base: &str, repo: &str| {
        let out = image(
            "custom_task_plugin",
            &[
                "--base",
                base,
                "--repo",
                &format!("{}/{repo}", registry()),
                "--push",
                "--binary",
                binary.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_unknown_repository(repo);
        stderr(&out)
    };
    let script = dir.path().join("app.sh");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
    assert_eq!(
        refused(&script, base(), "refused/script"),
        format!(
            "error: `{}` is a script, not a Linux executable for linux/amd64: build it with `cargo build --release --target x86_64-unknown-linux-gnu` (from macOS or another architecture: `cargo zigbuild` or `cross`) and pass it with `--binary`\n",
            script.display()
        )
    );
    // The demo built for arm64: its ELF header says AArch64.
    let mut arm = std::fs::read(support::example_binary("custom_task_plugin")).unwrap();
    arm[18..20].copy_from_slice(&183u16.to_le_bytes());
    let arm_path = dir.path().join("app-arm64");
    std::fs::write(&arm_path, arm).unwrap();
    assert!(refused(&arm_path, base(), "refused/arm").contains(
        "is an ELF executable for AArch64 (linux/arm64), not a Linux executable for linux/amd64"
    ));
    let macho = dir.path().join("app-macos");
    std::fs::write(&macho, [0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]).unwrap();
    assert!(
        refused(&macho, base(), "refused/macho").contains("is a Mach-O executable (macOS), not")
    );

    // A base without the C library: the program's loader is missing.
    let bare = base_image("bare", Has::Nothing);
    let demo = support::example_binary("custom_task_plugin");
    let loader = host_libraries(&demo)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("ld-linux"))
        .unwrap();
    assert_eq!(
        refused(&demo, &bare, "refused/loader"),
        format!(
            "error: `{}` needs the dynamic loader {}, which the base image {bare} does not have: use a base with the C library the program was linked against (such as gcr.io/distroless/cc-debian12), or link statically (`--target x86_64-unknown-linux-musl`)\n",
            demo.display(),
            loader.display()
        )
    );
}

#[test]
fn a_base_without_ca_certificates_is_warned_of() {
    let base = base_image("no-certificates", Has::Libraries);
    let out = image(
        "custom_task_plugin",
        &[
            "--base",
            &base,
            "--repo",
            &format!("{}/demo/no-certificates", registry()),
        ],
    );
    succeeded(&out);
    assert!(
        stderr(&out).starts_with(&format!("warning: the base image {base} has no CA certificates (/etc/ssl/certs): the program cannot reach an object store from it, even over http")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn credentials_come_from_the_environment_or_the_docker_config() {
    let auth_registry =
        std::env::var("FLYTE_TEST_AUTH_REGISTRY").expect("run through `bash .ci/test`");
    let repo = format!("{auth_registry}/demo/private");
    let home = tempfile::tempdir().unwrap();
    let push = |env: &[(&str, &str)]| {
        Command::new(support::example_binary("custom_task_plugin"))
            .args(["image", "--push", "--base", base(), "--repo", &repo])
            .args([
                "--insecure-registry",
                &registry(),
                "--insecure-registry",
                &auth_registry,
            ])
            .env_remove("FLYTE_REGISTRY_USERNAME")
            .env_remove("FLYTE_REGISTRY_PASSWORD")
            .env("DOCKER_CONFIG", home.path())
            .env("HOME", home.path())
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let denied = push(&[]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(
        stderr(&denied).contains(&format!("(sign in with `docker login {auth_registry}`, or set FLYTE_REGISTRY_USERNAME and FLYTE_REGISTRY_PASSWORD)")),
        "{}",
        stderr(&denied)
    );
    let wrong = push(&[
        ("FLYTE_REGISTRY_USERNAME", "flyte-test"),
        ("FLYTE_REGISTRY_PASSWORD", "wrong"),
    ]);
    assert_eq!(wrong.status.code(), Some(1), "{}", stderr(&wrong));

    // `docker login`'s config: base64 of user:password under the registry's host.
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode("flyte-test:flyte-test-secret");
    let config = serde_json::json!({"auths": {auth_registry.clone(): {"auth": auth}}});
    std::fs::write(home.path().join("config.json"), config.to_string()).unwrap();
    let pushed = push(&[]);
    succeeded(&pushed);
    // The base's layer came from the other registry: copied, not mounted.
    assert!(
        stderr(&pushed).contains("uploaded 3 blob(s)"),
        "{}",
        stderr(&pushed)
    );

    // A credential helper, as `credHelpers` names it: `docker-credential-NAME get`
    // answers the registry's credentials on stdout.
    let helper = home.path().join("docker-credential-flytetest");
    let script = r#"#!/bin/sh
read registry
printf '{"ServerURL": "%s", "Username": "flyte-test", "Secret": "flyte-test-secret"}' "$registry"
"#;
    std::fs::write(&helper, script).unwrap();
    let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&helper, executable).unwrap();
    let config = serde_json::json!({"credHelpers": {auth_registry.clone(): "flytetest"}});
    std::fs::write(home.path().join("config.json"), config.to_string()).unwrap();
    let path = format!(
        "{}:{}",
        home.path().display(),
        std::env::var("PATH").unwrap()
    );
    let helped = push(&[("PATH", &path)]);
    succeeded(&helped);
    assert!(
        stderr(&helped).contains("is up to date"),
        "{}",
        stderr(&helped)
    );

    std::fs::remove_file(home.path().join("config.json")).unwrap();
    let from_env = push(&[
        ("FLYTE_REGISTRY_USERNAME", "flyte-test"),
        ("FLYTE_REGISTRY_PASSWORD", "flyte-test-secret"),
    ]);
    succeeded(&from_env);
    assert!(
        stderr(&from_env).contains("is up to date"),
        "{}",
        stderr(&from_env)
    );
}

#[test]
fn fast_registration_checks_the_binary_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("app");
    std::fs::write(&script, "#!/bin/sh\n").unwrap();
    let out = Command::new(support::example_binary("custom_task_plugin"))
        .args([
            "register",
            "--fast",
            "--image",
            "ghcr.io/acme/app:1",
            "--endpoint",
            "127.0.0.1:9",
            "--insecure",
        ])
        .arg("--binary")
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: `{}` is a script, not a Linux executable for linux/amd64",
            script.display()
        )),
        "{}",
        stderr(&out)
    );
}

/// A Debian package made with dpkg-deb: `files` (path, text, mode) and a control file.
fn deb(dir: &Path, name: &str, depends: &str, files: &[(&str, &str, u32)]) -> PathBuf {
    let root = dir.join(format!("{name}-src"));
    std::fs::create_dir_all(root.join("DEBIAN")).unwrap();
    let control = format!(
        "Package: {name}\nVersion: 1.0\nArchitecture: amd64\nMaintainer: Flyte <flyte@example.com>\nDescription: test package\n{depends}"
    );
    std::fs::write(root.join("DEBIAN/control"), control).unwrap();
    for (path, text, mode) in files {
        let at = root.join(path);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::fs::write(&at, text).unwrap();
        let mode = std::os::unix::fs::PermissionsExt::from_mode(*mode);
        std::fs::set_permissions(&at, mode).unwrap();
    }
    let out = dir.join(format!("{name}.deb"));
    tool(
        "dpkg-deb",
        &[
            "--root-owner-group",
            "--build",
            root.to_str().unwrap(),
            out.to_str().unwrap(),
        ],
    );
    out
}

/// A Debian repository of the packages, served over http on 127.0.0.1 until dropped.
struct AptRepo {
    server: std::process::Child,
    url: String,
}

impl Drop for AptRepo {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

fn apt_repo(dir: &Path, debs: &[PathBuf]) -> AptRepo {
    use sha2::Digest;
    let root = dir.join("repo");
    let index_dir = root.join("dists/bookworm/main/binary-amd64");
    std::fs::create_dir_all(&index_dir).unwrap();
    std::fs::create_dir_all(root.join("pool")).unwrap();
    let mut index = String::new();
    for deb in debs {
        let name = deb.file_name().unwrap().to_str().unwrap();
        let bytes = std::fs::read(deb).unwrap();
        std::fs::write(root.join("pool").join(name), &bytes).unwrap();
        let control = tool("dpkg-deb", &["--field", deb.to_str().unwrap()]).stdout;
        index.push_str(&String::from_utf8(control).unwrap());
        let sha: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        index.push_str(&format!(
            "Filename: pool/{name}\nSize: {}\nSHA256: {sha}\n\n",
            bytes.len()
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, index.as_bytes()).unwrap();
    let packages = gz.finish().unwrap();
    // The suite's Release file, which the index is checked against.
    let sha: String = sha2::Sha256::digest(&packages)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let release = format!(
        "Origin: flyte-test\nSuite: bookworm\nSHA256:\n {sha} {} main/binary-amd64/Packages.gz\n",
        packages.len()
    );
    std::fs::write(root.join("dists/bookworm/Release"), release).unwrap();
    std::fs::write(index_dir.join("Packages.gz"), packages).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let server = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(&root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    AptRepo {
        server,
        url: format!("http://127.0.0.1:{port}"),
    }
}

#[test]
fn debian_packages_are_laid_in_a_layer_with_what_they_depend_on() {
    let dir = tempfile::tempdir().unwrap();
    let hello = deb(
        dir.path(),
        "flyte-hello",
        "Depends: flyte-greeting (>= 1.0), libc6 (>= 2.34)\n",
        &[(
            "usr/bin/flyte-hello",
            "#!/bin/sh\ncat /lib/flyte/greeting.txt\n",
            0o755,
        )],
    );
    let greeting = deb(
        dir.path(),
        "flyte-greeting",
        "",
        // Under /lib, which is /usr/lib on the base (merged /usr).
        &[("lib/flyte/greeting.txt", "hello\n", 0o644)],
    );
    let repo = apt_repo(dir.path(), &[hello, greeting]);
    let source = format!("{} bookworm main", repo.url);
    let name = format!("{}/demo/apt", registry());
    let args = [
        "--base",
        base(),
        "--repo",
        &name,
        "--apt-source",
        &source,
        "--push",
    ];
    let note = dir.path().join("note.txt");
    std::fs::write(&note, "extra").unwrap();
    let file = format!("{}:/tmp/flyte/note.txt", note.display());
    let out = image(
        "custom_task_plugin",
        &[&args[..], &["--apt", "flyte-hello", "--file", &file]].concat(),
    );
    succeeded(&out);
    let reference = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let manifest = inspect(&reference, "--raw");
    assert_eq!(
        manifest["layers"].as_array().unwrap().len(),
        3,
        "base, packages, program"
    );

    let root = unpack(&reference, dir.path());
    let script = std::fs::metadata(root.join("usr/bin/flyte-hello")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&script.permissions()) & 0o777,
        0o755
    );
    // The package's `./lib/` did not replace the base's `/lib` symlink: its file
    // went through it.
    assert!(
        std::fs::symlink_metadata(root.join("lib"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(root.join("usr/lib/flyte/greeting.txt")).unwrap(),
        "hello\n"
    );
    // `--file` under /tmp kept the base's /tmp as it was.
    assert_eq!(
        std::fs::read_to_string(root.join("tmp/flyte/note.txt")).unwrap(),
        "extra"
    );
    let tmp = std::fs::metadata(root.join("tmp")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&tmp.permissions()) & 0o7777,
        0o1777
    );
    // Recorded as distroless records its packages; libc6 came from the base.
    let status = std::fs::read_to_string(root.join("var/lib/dpkg/status.d/flyte-hello")).unwrap();
    assert!(
        status.starts_with("Package: flyte-hello\nVersion: 1.0\n"),
        "{status}"
    );
    assert!(root.join("var/lib/dpkg/status.d/flyte-greeting").exists());
    assert!(root.join("usr/local/bin/custom_task_plugin").exists());

    let missing = image(
        "custom_task_plugin",
        &[
            &args[..2],
            &[
                "--repo",
                &format!("{}/refused/apt", registry()),
                "--apt-source",
                &source,
                "--push",
                "--apt",
                "flyte-nope",
            ],
        ]
        .concat(),
    );
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        stderr(&missing),
        "error: --apt flyte-nope: no package `flyte-nope` in the index (asked for)\n"
    );
    assert_unknown_repository("refused/apt");
}

#[tokio::test]
async fn an_image_described_in_code_is_what_image_builds_with_the_flags_added() {
    let described = flytekit::image::ImageSpec::new(format!("{}/demo/described", registry()))
        .base(base())
        .env("FROM_CODE", "1");
    let binary = support::example_binary("custom_task_plugin");
    let args = [
        "app",
        "image",
        "--push",
        "--env",
        "FROM_FLAG=2",
        "--insecure-registry",
        &registry(),
        "--binary",
        binary.to_str().unwrap(),
    ];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    flytekit::cli::App::new()
        .image(described)
        .run_to(args, &mut out, &mut err)
        .await
        .unwrap();
    let reference = String::from_utf8(out).unwrap().trim().to_string();
    assert!(
        reference.starts_with(&format!("{}/demo/described:rs-", registry())),
        "{reference}"
    );
    let config = inspect(&reference, "--config");
    assert_eq!(
        config["config"]["Env"],
        serde_json::json!(["FROM_CODE=1", "FROM_FLAG=2"])
    );
}
