//! Offloaded literals fetched: a `LiteralMap` whose literals (at any depth) point to
//! objects of their own (`Literal.offloaded_metadata`) made whole by reading them.
//! The entrypoint does it for a task's inputs, the flyteadmin client for an
//! execution's outputs.

use bytes::Bytes;

use crate::data::{DataError, FileAccess};

/// How deep offloaded literals may point to further offloaded literals; Flyte writes
/// one level, so more means a loop.
pub(crate) const MAX_DEPTH: usize = 4;

/// Why a `LiteralMap` could not be made whole.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OffloadedError {
    /// The bytes are no `LiteralMap`.
    #[error("{0}")]
    Malformed(String),
    /// An offloaded literal could not be read.
    #[error("cannot read the offloaded literal at `{uri}`")]
    Read {
        /// Where it is.
        uri: String,
        /// Why.
        #[source]
        source: DataError,
    },
    /// Offloaded literals point to offloaded literals too deep (a loop).
    #[error("offloaded literals point to offloaded literals more than {MAX_DEPTH} levels deep")]
    TooDeep,
}

/// `literal_map` with every offloaded literal in it replaced by the literal stored at
/// its URI (the same bytes, not copied, when there are none).
pub(crate) async fn inline_all(
    mut literal_map: Bytes,
    files: &FileAccess,
) -> Result<Bytes, OffloadedError> {
    for _ in 0..MAX_DEPTH {
        let uris = super::wire::offloaded_uris(&literal_map).map_err(OffloadedError::Malformed)?;
        if uris.is_empty() {
            return Ok(literal_map);
        }
        let mut stored = Vec::with_capacity(uris.len());
        for uri in uris {
            match files.get(&uri).await {
                Ok(literal) => stored.push((uri, literal.to_vec())),
                Err(source) => return Err(OffloadedError::Read { uri, source }),
            }
        }
        literal_map = super::inline_offloaded(&literal_map, &stored)
            .map_err(OffloadedError::Malformed)?
            .into();
    }
    Err(OffloadedError::TooDeep)
}
