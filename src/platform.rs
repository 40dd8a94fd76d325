//! A program checked for the cluster before it ships: a Linux executable for the
//! pods' platform, and the dynamic loader it asks for. `image` and `register --fast
//! --binary` refuse anything else before uploading a byte, because a pod that cannot
//! start the program fails with `exec format error` or `no such file or directory`
//! long after the upload.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use object::elf;
use object::read::elf::{Dyn, FileHeader, ProgramHeader};

/// The platform of a cluster's pods, as OCI names it (`linux/amd64`, `linux/arm64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Platform {
    /// `linux/amd64`: x86-64, Rust's `x86_64-unknown-linux-gnu` (or `-musl`).
    #[default]
    LinuxAmd64,
    /// `linux/arm64`: AArch64, Rust's `aarch64-unknown-linux-gnu` (or `-musl`).
    LinuxArm64,
}

impl Platform {
    /// The OCI architecture (`amd64`, `arm64`).
    pub fn architecture(self) -> &'static str {
        match self {
            Platform::LinuxAmd64 => "amd64",
            Platform::LinuxArm64 => "arm64",
        }
    }

    /// The OCI operating system: `linux`.
    pub fn os(self) -> &'static str {
        "linux"
    }

    /// The Rust target to build for it, for messages.
    pub fn rust_target(self) -> &'static str {
        match self {
            Platform::LinuxAmd64 => "x86_64-unknown-linux-gnu",
            Platform::LinuxArm64 => "aarch64-unknown-linux-gnu",
        }
    }

    fn machine(self) -> elf::Machine {
        match self {
            Platform::LinuxAmd64 => elf::EM_X86_64,
            Platform::LinuxArm64 => elf::EM_AARCH64,
        }
    }

    /// The platform of the machine this runs on, when it is one of ours.
    pub fn host() -> Option<Platform> {
        match (std::env::consts::OS, std::env::consts::ARCH) {
            ("linux", "x86_64") => Some(Platform::LinuxAmd64),
            ("linux", "aarch64") => Some(Platform::LinuxArm64),
            _ => None,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os(), self.architecture())
    }
}

impl FromStr for Platform {
    type Err = ProgramError;

    /// `linux/amd64` or `linux/arm64` (also `linux/x86_64`, `linux/aarch64` and
    /// `linux/arm64/v8`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "linux/amd64" | "linux/x86_64" => Ok(Platform::LinuxAmd64),
            "linux/arm64" | "linux/arm64/v8" | "linux/aarch64" => Ok(Platform::LinuxArm64),
            _ => Err(ProgramError::UnknownPlatform(s.to_string())),
        }
    }
}

/// A program that cannot run on the platform asked for, or cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProgramError {
    /// `--platform` names a platform other than `linux/amd64` or `linux/arm64`.
    #[error("unknown platform `{0}`: expected linux/amd64 or linux/arm64")]
    UnknownPlatform(String),
    /// The file could not be read.
    #[error("cannot read the program `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a Linux executable for the platform.
    #[error("`{}` is {found}, not a Linux executable for {platform}: {hint}", path.display())]
    NotForPlatform {
        /// The file.
        path: PathBuf,
        /// What it is.
        found: String,
        /// The platform asked for.
        platform: Platform,
        /// How to build one that is.
        hint: String,
    },
    /// The program needs a dynamic loader the base image does not have.
    #[error(
        "`{}` needs the dynamic loader {loader}, which the base image {base} does not have: use a base with the C library the program was linked against (such as gcr.io/distroless/cc-debian12), or link statically (`--target {}`)",
        path.display(),
        musl_target(*platform)
    )]
    MissingLoader {
        /// The program.
        path: PathBuf,
        /// Its `PT_INTERP`.
        loader: String,
        /// The base image.
        base: String,
        /// The platform.
        platform: Platform,
    },
}

fn musl_target(platform: Platform) -> &'static str {
    match platform {
        Platform::LinuxAmd64 => "x86_64-unknown-linux-musl",
        Platform::LinuxArm64 => "aarch64-unknown-linux-musl",
    }
}

/// A program read from disk and checked to be a Linux executable for a platform.
#[derive(Clone)]
pub struct LinuxProgram {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its file name, the name it gets in the image (`/usr/local/bin/<name>`).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The dynamic loader it asks for (`PT_INTERP`), none for a static program.
    pub loader: Option<String>,
    /// The platform it was checked for.
    pub platform: Platform,
}

impl fmt::Debug for LinuxProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinuxProgram")
            .field("path", &self.path)
            .field("bytes", &self.bytes.len())
            .field("loader", &self.loader)
            .field("platform", &self.platform)
            .finish()
    }
}

impl LinuxProgram {
    /// Reads `path` and checks it runs on `platform`.
    pub fn read(path: &Path, platform: Platform) -> Result<Self, ProgramError> {
        let bytes = std::fs::read(path).map_err(|source| ProgramError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::check(path, bytes, platform)
    }

    /// The program running now, checked for `platform`: on a machine that is not
    /// Linux, the error says to build for Linux and pass `--binary`.
    pub fn this_program(platform: Platform) -> Result<Self, ProgramError> {
        let path = std::env::current_exe().map_err(|source| ProgramError::Read {
            path: "<this program>".into(),
            source,
        })?;
        Self::read(&path, platform)
    }

    /// Checks bytes read from `path`.
    pub fn check(path: &Path, bytes: Vec<u8>, platform: Platform) -> Result<Self, ProgramError> {
        let refuse = |found: String| ProgramError::NotForPlatform {
            path: path.to_path_buf(),
            found,
            platform,
            hint: format!(
                "build it with `cargo build --release --target {}` (from macOS or another architecture: `cargo zigbuild` or `cross`) and pass it with `--binary`",
                platform.rust_target()
            ),
        };
        let loader = elf_loader(&bytes, platform).map_err(refuse)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "app".to_string());
        Ok(LinuxProgram {
            path: path.to_path_buf(),
            name,
            bytes,
            loader,
            platform,
        })
    }
}

/// The loader of a Linux executable for `platform`, or what the bytes are instead.
fn elf_loader(bytes: &[u8], platform: Platform) -> Result<Option<String>, String> {
    if !bytes.starts_with(&elf::ELFMAG) {
        return Err(not_elf(bytes));
    }
    if bytes.get(4) != Some(&elf::ELFCLASS64.0) {
        return Err("a 32-bit ELF file".to_string());
    }
    let header = elf::FileHeader64::<object::Endianness>::parse(bytes)
        .map_err(|e| format!("a damaged ELF file ({e})"))?;
    let endian = header
        .endian()
        .map_err(|e| format!("a damaged ELF file ({e})"))?;
    let machine = header.e_machine(endian);
    if machine != platform.machine() {
        return Err(format!("an ELF executable for {}", machine_name(machine)));
    }
    let abi = header.e_ident().os_abi;
    if abi != elf::ELFOSABI_SYSV && abi != elf::ELFOSABI_GNU {
        return Err(format!(
            "an ELF executable for another system (OS ABI {})",
            abi.0
        ));
    }
    let kind = header.e_type(endian);
    if kind != elf::ET_EXEC && kind != elf::ET_DYN {
        return Err(format!(
            "an ELF {} file, not an executable",
            if kind == elf::ET_REL {
                "object"
            } else {
                "core or other"
            }
        ));
    }
    let segments = header
        .program_headers(endian, bytes)
        .map_err(|e| format!("a damaged ELF file ({e})"))?;
    if segments.is_empty() {
        return Err("an ELF file with no program headers (a library, not a program)".to_string());
    }
    let damaged = |e: object::read::Error| format!("a damaged ELF file ({e})");
    let mut pie = false;
    for segment in segments {
        if let Some(interp) = segment.interpreter(endian, bytes).map_err(damaged)? {
            return Ok(Some(String::from_utf8_lossy(interp).into_owned()));
        }
        for entry in segment
            .dynamic(endian, bytes)
            .map_err(damaged)?
            .unwrap_or(&[])
        {
            if entry.d_tag(endian) == elf::DT_FLAGS_1 {
                pie |= entry.d_val(endian) & elf::DF_1_PIE.0 != 0;
            }
        }
    }
    // Without a loader, a position-independent file is a static-pie program only when
    // it says so; otherwise it is a shared library.
    if kind == elf::ET_DYN && !pie {
        return Err("a shared library, not a program".to_string());
    }
    Ok(None)
}

fn machine_name(machine: elf::Machine) -> String {
    match machine {
        elf::EM_X86_64 => "x86-64 (linux/amd64)".to_string(),
        elf::EM_AARCH64 => "AArch64 (linux/arm64)".to_string(),
        elf::EM_386 => "32-bit x86".to_string(),
        elf::EM_ARM => "32-bit ARM".to_string(),
        elf::EM_RISCV => "RISC-V".to_string(),
        other => format!("machine {}", other.0),
    }
}

/// What a file that is not ELF looks like.
fn not_elf(bytes: &[u8]) -> String {
    let magic = bytes
        .get(..4)
        .map(|m| u32::from_be_bytes([m[0], m[1], m[2], m[3]]));
    match magic {
        Some(0xfeedface | 0xfeedfacf | 0xcefaedfe | 0xcffaedfe) => {
            "a Mach-O executable (macOS)".to_string()
        }
        Some(0xcafebabe) => "a universal Mach-O executable (macOS)".to_string(),
        _ if bytes.starts_with(b"MZ") => "a Windows (PE) executable".to_string(),
        _ if bytes.starts_with(b"#!") => "a script".to_string(),
        _ if bytes.is_empty() => "an empty file".to_string(),
        _ => format!(
            "not an executable (it starts with {})",
            bytes
                .iter()
                .take(4)
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal 64-bit little-endian ELF executable header for `machine`, with one
    /// `PT_INTERP` segment when a loader is given.
    fn elf(machine: u16, loader: Option<&str>) -> Vec<u8> {
        let mut b = vec![0u8; 64];
        b[..4].copy_from_slice(&elf::ELFMAG);
        b[4] = elf::ELFCLASS64.0;
        b[5] = elf::ELFDATA2LSB.0;
        b[6] = elf::EV_CURRENT.0;
        b[16..18].copy_from_slice(&elf::ET_DYN.0.to_le_bytes());
        b[18..20].copy_from_slice(&machine.to_le_bytes());
        b[20..24].copy_from_slice(&1u32.to_le_bytes());
        b[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        b[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
        b[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
        b[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
        let mut ph = vec![0u8; 56];
        let interp = loader.map(|l| format!("{l}\0")).unwrap_or_default();
        let kind = if loader.is_some() {
            elf::PT_INTERP
        } else {
            elf::PT_LOAD
        };
        ph[..4].copy_from_slice(&kind.0.to_le_bytes());
        ph[8..16].copy_from_slice(&120u64.to_le_bytes()); // p_offset
        ph[32..40].copy_from_slice(&(interp.len() as u64).to_le_bytes()); // p_filesz
        b.extend(ph);
        b.extend(interp.as_bytes());
        b
    }

    #[test]
    fn an_elf_for_the_platform_gives_its_loader() {
        let loader = "/lib/ld-linux-aarch64.so.1";
        let bytes = elf(elf::EM_AARCH64.0, Some(loader));
        let p = LinuxProgram::check(Path::new("x/app"), bytes, Platform::LinuxArm64).unwrap();
        assert_eq!(p.loader.as_deref(), Some(loader));
        assert_eq!(p.name, "app");
        let mut static_exe = elf(62, None);
        static_exe[16] = 2; // ET_EXEC
        let p = LinuxProgram::check(Path::new("s"), static_exe, Platform::LinuxAmd64).unwrap();
        assert_eq!(p.loader, None, "a static program needs no loader");
    }

    #[test]
    fn anything_else_is_refused_naming_what_it_is() {
        let check = |bytes: Vec<u8>| {
            LinuxProgram::check(Path::new("app"), bytes, Platform::LinuxAmd64)
                .unwrap_err()
                .to_string()
        };
        let arm = check(elf(elf::EM_AARCH64.0, Some("/lib/ld-linux-aarch64.so.1")));
        assert!(
            arm.starts_with("`app` is an ELF executable for AArch64 (linux/arm64), not a Linux executable for linux/amd64: build it with `cargo build --release --target x86_64-unknown-linux-gnu`"),
            "{arm}"
        );
        let macho = check(vec![0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]);
        assert!(
            macho.starts_with("`app` is a Mach-O executable (macOS), not"),
            "{macho}"
        );
        assert!(check(b"#!/bin/sh\necho".to_vec()).contains("is a script"));
        assert!(
            check(b"hello".to_vec()).contains("not an executable (it starts with 68 65 6c 6c)")
        );
        let mut object_file = elf(62, None);
        object_file[16] = 1;
        assert!(check(object_file).contains("an ELF object file"));
        // ET_DYN with neither a loader nor the PIE flag: a library.
        assert!(check(elf(62, None)).contains("is a shared library, not a program"));
        let mut elf32 = elf(62, None);
        elf32[4] = elf::ELFCLASS32.0;
        assert!(check(elf32).contains("a 32-bit ELF file"));
    }

    #[test]
    fn platforms_read_as_oci_names_them() {
        assert_eq!(
            "linux/arm64/v8".parse::<Platform>().unwrap(),
            Platform::LinuxArm64
        );
        assert_eq!(Platform::LinuxAmd64.to_string(), "linux/amd64");
        let err = "darwin/arm64".parse::<Platform>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown platform `darwin/arm64`: expected linux/amd64 or linux/arm64"
        );
    }
}
