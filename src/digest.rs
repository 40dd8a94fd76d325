//! Lowercase hex and SHA-256 digests, as the command line and images write them
//! (fast registration's `--digest`, derived versions, image tags and blob digests).

use sha2::{Digest, Sha256};

/// Bytes in lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 in lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
