//! An OCI registry's test images: base images made with umoci from the host's C
//! library and pushed with skopeo to the registry `.ci/test` starts
//! (`FLYTE_TEST_REGISTRY`), never pulled from the internet.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn registry() -> String {
    std::env::var("FLYTE_TEST_REGISTRY").unwrap_or_else(|_| {
        panic!("FLYTE_TEST_REGISTRY is not set: run the tests with `bash .ci/test`, which starts an OCI registry")
    })
}

pub fn tool(program: &str, args: &[&str]) -> Output {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e} (`bash .ci/setup` installs it)"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The shared libraries `binary` loads, and its loader, as `ldd` lists them.
pub fn host_libraries(binary: &Path) -> Vec<PathBuf> {
    let out = tool("ldd", &[binary.to_str().unwrap()]);
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter(|w| w.starts_with('/'))
        .map(PathBuf::from)
        .collect()
}

/// What a base image has beside an empty root.
#[derive(Clone, Copy, PartialEq)]
pub enum Has {
    Nothing,
    Libraries,
    LibrariesAndCertificates,
}

/// `umoci unpack` of an OCI layout's image (`FOLDER:TAG`) into `bundle`, rootless;
/// returns the root filesystem.
pub fn unpack_layout(layout: &str, bundle: &Path) -> PathBuf {
    tool(
        "umoci",
        &[
            "unpack",
            "--rootless",
            "--image",
            layout,
            bundle.to_str().unwrap(),
        ],
    );
    bundle.join("rootfs")
}

/// A base image pushed as `base/NAME:1`: a root filesystem with the libraries the
/// examples load at their paths (Debian's merged /usr: `/lib` and `/lib64` are
/// symlinks) and the host's CA certificates, or less.
pub fn base_image(name: &str, has: Has) -> String {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("layout").display().to_string();
    let layout = format!("{folder}:base");
    let bundle = dir.path().join("bundle");
    tool("umoci", &["init", "--layout", &folder]);
    tool("umoci", &["new", "--image", &layout]);
    let root = unpack_layout(&layout, &bundle);
    for folder in ["usr/lib", "usr/lib64", "tmp", "etc"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
    }
    let sticky = std::os::unix::fs::PermissionsExt::from_mode(0o1777);
    std::fs::set_permissions(root.join("tmp"), sticky).unwrap();
    std::os::unix::fs::symlink("usr/lib", root.join("lib")).unwrap();
    std::os::unix::fs::symlink("usr/lib64", root.join("lib64")).unwrap();
    if has == Has::LibrariesAndCertificates {
        std::fs::create_dir_all(root.join("etc/ssl/certs")).unwrap();
        let bundle = "etc/ssl/certs/ca-certificates.crt";
        std::fs::copy(Path::new("/").join(bundle), root.join(bundle)).unwrap();
    }
    if has != Has::Nothing {
        // What distroless's base says of itself: its release, and its packages in
        // dpkg's status.d.
        std::fs::create_dir_all(root.join("var/lib/dpkg/status.d")).unwrap();
        std::fs::write(
            root.join("usr/lib/os-release"),
            "ID=debian\nVERSION_CODENAME=bookworm\n",
        )
        .unwrap();
        std::os::unix::fs::symlink("../usr/lib/os-release", root.join("etc/os-release")).unwrap();
        std::fs::write(
            root.join("var/lib/dpkg/status.d/libc6"),
            "Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\n",
        )
        .unwrap();
        for library in host_libraries(&super::example_binary("dynamic_fanout")) {
            // The real file, at its path under /usr (the host's /lib is /usr/lib).
            let real = std::fs::canonicalize(&library).unwrap();
            let at = root.join(real.strip_prefix("/").unwrap());
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::fs::copy(&real, &at).unwrap();
            let path = library.strip_prefix("/").unwrap();
            if !root.join(path).exists() {
                std::os::unix::fs::symlink(&real, root.join(path)).unwrap();
            }
        }
    }
    tool(
        "umoci",
        &["repack", "--image", &layout, bundle.to_str().unwrap()],
    );
    tool(
        "umoci",
        &[
            "config",
            "--image",
            &layout,
            "--os",
            "linux",
            "--architecture",
            "amd64",
        ],
    );
    let reference = format!("{}/base/{name}:1", registry());
    tool(
        "skopeo",
        &[
            "copy",
            "--dest-tls-verify=false",
            &format!("oci:{layout}"),
            &format!("docker://{reference}"),
        ],
    );
    reference
}

/// The base with the examples' C library, made once.
pub fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| base_image("cc", Has::LibrariesAndCertificates))
}
