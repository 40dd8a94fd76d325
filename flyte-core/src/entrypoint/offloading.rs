//! Flyte's literal offloading, both ways: an input stored in an object of its own
//! (`Literal.offloaded_metadata`) is read from there, and with offloading turned on
//! a large output is written next to `outputs.pb` as flytekit writes it.

use bytes::Bytes;
use prost::Message;

use super::Failure;
use crate::data::{FileAccess, join_prefix};
use crate::execution::OffloadSettings;
use crate::idl::core as pb;
use crate::interface::Interface;

/// `inputs.pb` with every offloaded literal in it (at any depth) replaced by the
/// literal stored at its URI (the same bytes, not copied, when there are none).
pub(super) async fn inline_inputs(
    bytes: Bytes,
    file_access: &FileAccess,
    task: &str,
) -> Result<Bytes, Failure> {
    use crate::idl::offloaded::{OffloadedError, inline_all};
    let malformed = |reason: String| {
        Failure::user_or_system(
            "SYSTEM:InputsNotDecoded",
            pb::ErrorOrigin::System,
            format!("the inputs of task `{task}` are not a Flyte LiteralMap: {reason}"),
        )
    };
    inline_all(bytes, file_access).await.map_err(|e| match e {
        OffloadedError::Read { uri, source } => Failure::system(
            "SYSTEM:InputsNotRead",
            source.is_transient() && !source.is_not_found(),
            format!("cannot read the offloaded input of task `{task}` at `{uri}`"),
            &source,
        ),
        other => malformed(other.to_string()),
    })
}

/// The limits of [`OffloadSettings`], in bytes.
struct Limits {
    min: u64,
    max: u64,
}

const MIB: u64 = 1024 * 1024;

impl Limits {
    fn parse(settings: &OffloadSettings) -> Result<Limits, Failure> {
        let mib = |name: &str, value: &str| {
            value
                .trim()
                .parse::<u64>()
                .ok()
                .and_then(|v| v.checked_mul(MIB))
                .ok_or_else(|| {
                    Failure::user_or_system(
                        "SYSTEM:BadOffloadingSettings",
                        pb::ErrorOrigin::System,
                        format!("{name} is `{value}`, not a whole number of MiB"),
                    )
                })
        };
        Ok(Limits {
            min: mib("_F_L_MIN_SIZE_MB", &settings.min_mb)?,
            max: match &settings.max_mb {
                Some(max) => mib("_F_L_MAX_SIZE_MB", max)?,
                None => 1000 * MIB,
            },
        })
    }
}

/// The outputs with each literal of at least the minimum size written to
/// `<output prefix>/<name>_offloaded_metadata.pb` and replaced by a pointer to it
/// carrying its size, its type and flytekit's hash of it; an output at the maximum
/// size or past it fails the attempt, as it would fail flytekit's.
pub(super) async fn offload_outputs(
    mut outputs: pb::LiteralMap,
    interface: &Interface,
    settings: &OffloadSettings,
    file_access: &FileAccess,
    output_prefix: &str,
) -> Result<pb::LiteralMap, Failure> {
    let limits = Limits::parse(settings)?;
    for (name, literal) in outputs.literals.iter_mut() {
        let size = literal.encoded_len() as u64;
        if size >= limits.max {
            return Err(Failure::user(
                "USER:OutputTooLarge",
                false,
                format!(
                    "output `{name}` is too large to be offloaded: {size} bytes, where the \
                     largest allowed (_F_L_MAX_SIZE_MB) is {} bytes",
                    limits.max
                ),
            ));
        }
        if size < limits.min {
            continue;
        }
        let uri = join_prefix(output_prefix, &format!("{name}_offloaded_metadata.pb"));
        if let Err(e) = file_access.put(&uri, literal.encode_to_vec()).await {
            return Err(Failure::system(
                "SYSTEM:OutputsNotWritten",
                e.is_transient(),
                format!("cannot write the offloaded output `{name}` to `{uri}`"),
                &e,
            ));
        }
        let inferred_type = interface
            .outputs
            .iter()
            .find(|v| &v.name == name)
            .map(|v| crate::idl::literal_type(&v.ty));
        let hash = if literal.hash.is_empty() {
            crate::idl::literal_hash(literal)
        } else {
            literal.hash.clone()
        };
        *literal = pb::Literal {
            value: Some(pb::literal::Value::OffloadedMetadata(
                pb::LiteralOffloadedMetadata {
                    uri,
                    size_bytes: size,
                    inferred_type,
                },
            )),
            hash,
        };
    }
    Ok(outputs)
}
