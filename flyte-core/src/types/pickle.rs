//! [`PickledBytes`]: bytes as flytekit 1.16 passes Python's `bytes`, a pickle file.
//!
//! flytekit has no type for `bytes`: it pickles them into a file under the
//! raw-output prefix, typed as a `PythonPickle` blob. A Rust `Vec<u8>` is Flyte's own
//! binary scalar, which flytekit cannot read or write, so a Rust task exchanging
//! bytes with a Python task takes or returns `PickledBytes`, whose Flyte type is
//! flytekit's for `bytes`. Only a pickled `bytes` object is read (the opcodes
//! Python writes for one), never arbitrary pickles.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{
    BlobDimensionality, BlobRef, BlobType, FlyteFile, FlyteType, Literal, LiteralMismatch,
    LiteralType,
};
use crate::data::DataError;

/// The blob format flytekit gives pickles.
pub const PICKLE_FORMAT: &str = "PythonPickle";

/// Python `bytes`, as flytekit passes them: a pickle file.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use flytekit::types::PickledBytes;
/// let p = PickledBytes::new(b"\x00\xffraw").unwrap();
/// assert_eq!(p.read().await.unwrap(), b"\x00\xffraw");
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PickledBytes {
    file: FlyteFile,
}

impl PickledBytes {
    /// Pickles `bytes` into a file on this machine (uploaded under the raw-output
    /// prefix when a task returns it, as other files are).
    pub fn new(bytes: impl AsRef<[u8]>) -> std::io::Result<Self> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join("flyte-pickles").join(format!(
            "{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("bytes.pkl");
        std::fs::write(&path, pickle_bytes(bytes.as_ref()))?;
        Ok(PickledBytes {
            file: FlyteFile::new(path.display().to_string()),
        })
    }

    /// Where the pickle is.
    pub fn uri(&self) -> &str {
        self.file.uri()
    }

    /// Reads the pickle and returns the bytes in it.
    pub async fn read(&self) -> Result<Vec<u8>, DataError> {
        let pickled = self.file.read().await?;
        unpickle_bytes(&pickled).map_err(|reason| DataError::InvalidLocation {
            location: self.file.uri().to_string(),
            reason: format!("not a pickled Python `bytes` object: {reason}"),
        })
    }
}

impl FlyteType for PickledBytes {
    const UNION_TAG: Option<&'static str> = Some("FlytePickle");
    const HAS_BLOBS: bool = true;
    fn literal_type() -> LiteralType {
        LiteralType::Blob(BlobType {
            format: PICKLE_FORMAT.to_string(),
            dimensionality: BlobDimensionality::Single,
        })
    }
    fn to_literal(&self) -> Literal {
        Literal::Blob {
            uri: self.file.uri().to_string(),
            ty: BlobType {
                format: PICKLE_FORMAT.to_string(),
                dimensionality: BlobDimensionality::Single,
            },
            hash: self.file.hash().map(str::to_string),
        }
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            Literal::Blob { uri, ty, hash }
                if ty.dimensionality == BlobDimensionality::Single
                    && ty.format == PICKLE_FORMAT =>
            {
                let file = FlyteFile::new(uri.clone());
                Ok(PickledBytes {
                    file: match hash {
                        Some(h) => file.with_hash(h.clone()),
                        None => file,
                    },
                })
            }
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
    fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(BlobRef<'a>)) {
        self.file.visit_blobs(f)
    }
}

/// `bytes` pickled with protocol 3 (which every Python 3 reads): PROTO, BINBYTES
/// (or BINBYTES8 past 4 GiB, protocol 4), STOP.
fn pickle_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 16);
    match u32::try_from(bytes.len()) {
        Ok(len) => {
            out.extend_from_slice(&[0x80, 3, b'B']);
            out.extend_from_slice(&len.to_le_bytes());
        }
        Err(_) => {
            out.extend_from_slice(&[0x80, 4, 0x8e]);
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        }
    }
    out.extend_from_slice(bytes);
    out.push(b'.');
    out
}

/// The bytes of a pickled `bytes` object, as Python's pickle (any protocol from 3,
/// framed or not, memoized or not) writes one.
fn unpickle_bytes(pickle: &[u8]) -> Result<Vec<u8>, String> {
    let mut at = 0usize;
    let take = |at: &mut usize, n: usize| -> Result<&[u8], String> {
        let end = at.checked_add(n).filter(|&e| e <= pickle.len());
        let end = end.ok_or_else(|| "it ends early".to_string())?;
        let slice = &pickle[*at..end];
        *at = end;
        Ok(slice)
    };
    let le = |b: &[u8]| {
        b.iter()
            .rev()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
    };
    let mut value: Option<Vec<u8>> = None;
    loop {
        let op = take(&mut at, 1)?[0];
        match op {
            0x80 => {
                take(&mut at, 1)?; // PROTO n
            }
            0x95 => {
                take(&mut at, 8)?; // FRAME length
            }
            b'C' | b'B' | 0x8e if value.is_none() => {
                let width = match op {
                    b'C' => 1,
                    b'B' => 4,
                    _ => 8,
                };
                let len = usize::try_from(le(take(&mut at, width)?))
                    .map_err(|_| "a length past memory".to_string())?;
                value = Some(take(&mut at, len)?.to_vec());
            }
            0x94 => {} // MEMOIZE
            b'q' => {
                take(&mut at, 1)?; // BINPUT
            }
            b'r' => {
                take(&mut at, 4)?; // LONG_BINPUT
            }
            b'.' => {
                return value.ok_or_else(|| "it holds no bytes object".to_string());
            }
            other => return Err(format!("opcode 0x{other:02x} at byte {}", at - 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pickles_python_writes_are_read() {
        // pickle.dumps(b"ab", protocol=5) (framed, memoized), a protocol 3 pickle
        // with BINPUT, and one of ours.
        let p5 = b"\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00C\x02ab\x94.";
        assert_eq!(unpickle_bytes(p5).unwrap(), b"ab");
        let p3 = b"\x80\x03C\x02abq\x00.";
        assert_eq!(unpickle_bytes(p3).unwrap(), b"ab");
        let long = pickle_bytes(&[7u8; 300]);
        assert_eq!(unpickle_bytes(&long).unwrap(), vec![7u8; 300]);
    }

    #[test]
    fn other_pickles_are_refused_with_the_reason() {
        // pickle.dumps(1, protocol=5): BININT1, not bytes.
        let int = b"\x80\x05K\x01.";
        assert!(unpickle_bytes(int).unwrap_err().contains("opcode 0x4b"));
        assert!(
            unpickle_bytes(b"\x80\x03B\xff\x00\x00\x00ab")
                .unwrap_err()
                .contains("ends early")
        );
    }
}
