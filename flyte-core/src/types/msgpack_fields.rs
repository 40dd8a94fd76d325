//! Struct fields whose serde form differs from what flytekit's dataclass msgpack holds,
//! rewritten by the struct's Flyte type on the way out and back in:
//!
//! | field | serde writes | flytekit (mashumaro) writes |
//! |---|---|---|
//! | `Duration` | `{secs, nanos}` | seconds as a float |
//! | `DateTime<Utc>` | RFC 3339 with `Z` and up to 9 fraction digits | `isoformat()`: `+00:00`, 0 or 6 digits (Python 3.10 reads no other) |
//! | `Vec<u8>` | an array of integers | msgpack bytes |
//!
//! and flytekit may write a naive datetime (no offset), read here as UTC. A datetime
//! inside a struct so keeps microseconds, as a Python datetime does (a datetime input
//! or output of its own keeps nanoseconds). Only types holding such a field pay for the
//! rewrite.

use rmpv::Value as Mp;

use super::{LiteralType, SimpleType};

/// Whether values of `ty` hold a field that needs rewriting.
pub(crate) fn needs_rewrite(ty: &LiteralType) -> bool {
    match ty {
        LiteralType::Simple(s) => matches!(
            s,
            SimpleType::Duration | SimpleType::Datetime | SimpleType::Binary
        ),
        LiteralType::Collection(t) | LiteralType::Map(t) => needs_rewrite(t),
        LiteralType::Union(ts) => ts.iter().any(needs_rewrite),
        LiteralType::Struct(s) => s.fields.iter().any(|(_, t)| needs_rewrite(t)),
        LiteralType::Enum(_) | LiteralType::Blob(_) | LiteralType::StructuredDataset(_) => false,
    }
}

/// Which way a value is being rewritten.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// From serde's form to flytekit's.
    ToFlytekit,
    /// From flytekit's (or ours) to serde's.
    FromFlytekit,
}

/// Rewrites `bytes` (a msgpack value of type `ty`) in `direction`.
pub(crate) fn rewrite(
    bytes: &[u8],
    ty: &LiteralType,
    direction: Direction,
) -> Result<Vec<u8>, String> {
    let mut value = rmpv::decode::read_value(&mut &bytes[..]).map_err(|e| e.to_string())?;
    walk(&mut value, ty, direction);
    let mut out = Vec::with_capacity(bytes.len());
    rmpv::encode::write_value(&mut out, &value).map_err(|e| e.to_string())?;
    Ok(out)
}

fn walk(value: &mut Mp, ty: &LiteralType, direction: Direction) {
    match ty {
        LiteralType::Simple(s) => simple(value, *s, direction),
        LiteralType::Collection(t) => {
            if let Mp::Array(items) = value {
                items.iter_mut().for_each(|v| walk(v, t, direction));
            }
        }
        LiteralType::Map(t) => {
            if let Mp::Map(entries) = value {
                entries.iter_mut().for_each(|(_, v)| walk(v, t, direction));
            }
        }
        // `Option<T>`: nil, or a value of the variant that is not none.
        LiteralType::Union(ts) => {
            if !value.is_nil()
                && let Some(t) = ts
                    .iter()
                    .find(|t| **t != LiteralType::Simple(SimpleType::None))
            {
                walk(value, t, direction);
            }
        }
        LiteralType::Struct(s) => {
            if let Mp::Map(entries) = value {
                for (key, v) in entries.iter_mut() {
                    let field = key
                        .as_str()
                        .and_then(|k| s.fields.iter().find(|(n, _)| n == k));
                    if let Some((_, t)) = field {
                        walk(v, t, direction);
                    }
                }
            }
        }
        LiteralType::Enum(_) | LiteralType::Blob(_) | LiteralType::StructuredDataset(_) => {}
    }
}

fn simple(value: &mut Mp, s: SimpleType, direction: Direction) {
    use Direction::{FromFlytekit, ToFlytekit};
    let new = match (s, direction) {
        (SimpleType::Duration, ToFlytekit) => duration_secs(value).map(Mp::F64),
        (SimpleType::Duration, FromFlytekit) => seconds(value).map(|secs| {
            let whole = secs.trunc();
            let nanos = ((secs - whole) * 1e9).round().min(999_999_999.0);
            Mp::Map(vec![
                (Mp::from("secs"), Mp::from(whole as u64)),
                (Mp::from("nanos"), Mp::from(nanos as u32)),
            ])
        }),
        (SimpleType::Datetime, ToFlytekit) => value.as_str().and_then(isoformat).map(Mp::from),
        (SimpleType::Datetime, FromFlytekit) => value.as_str().and_then(with_offset).map(Mp::from),
        (SimpleType::Binary, ToFlytekit) => match value {
            Mp::Array(items) => items
                .iter()
                .map(|i| i.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect::<Option<Vec<u8>>>()
                .map(Mp::Binary),
            _ => None,
        },
        (SimpleType::Binary, FromFlytekit) => match value {
            Mp::Binary(bytes) => Some(Mp::Array(bytes.iter().map(|b| Mp::from(*b)).collect())),
            _ => None,
        },
        _ => None,
    };
    if let Some(new) = new {
        *value = new;
    }
}

/// serde's `{secs, nanos}` as float seconds.
fn duration_secs(value: &Mp) -> Option<f64> {
    let Mp::Map(entries) = value else { return None };
    let get = |name: &str| {
        entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .and_then(|(_, v)| v.as_u64())
    };
    Some(get("secs")? as f64 + get("nanos")? as f64 / 1e9)
}

/// A number of seconds, float or integer (not negative: `Duration` cannot hold it).
fn seconds(value: &Mp) -> Option<f64> {
    let secs = value
        .as_f64()
        .or_else(|| value.as_i64().map(|i| i as f64))?;
    (secs >= 0.0 && secs.is_finite()).then_some(secs)
}

/// An RFC 3339 time as Python's `isoformat()` writes an aware UTC datetime.
fn isoformat(text: &str) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(text)
        .ok()?
        .with_timezone(&chrono::Utc);
    let format = if t.timestamp_subsec_micros() == 0 {
        "%Y-%m-%dT%H:%M:%S+00:00"
    } else {
        "%Y-%m-%dT%H:%M:%S%.6f+00:00"
    };
    Some(t.format(format).to_string())
}

/// A naive time (no offset, as a naive Python datetime is written) taken as UTC.
fn with_offset(text: &str) -> Option<String> {
    if chrono::DateTime::parse_from_rfc3339(text).is_ok() {
        return None;
    }
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some(naive.and_utc().to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_times_and_bytes_take_flytekits_form_and_back() {
        let d = Mp::Map(vec![
            (Mp::from("secs"), Mp::from(1u64)),
            (Mp::from("nanos"), Mp::from(500_000_000u32)),
        ]);
        let mut v = d.clone();
        simple(&mut v, SimpleType::Duration, Direction::ToFlytekit);
        assert_eq!(v, Mp::F64(1.5));
        simple(&mut v, SimpleType::Duration, Direction::FromFlytekit);
        assert_eq!(v, d);
        let mut t = Mp::from("2024-05-06T07:08:09.123456789Z");
        simple(&mut t, SimpleType::Datetime, Direction::ToFlytekit);
        assert_eq!(t.as_str(), Some("2024-05-06T07:08:09.123456+00:00"));
        let mut naive = Mp::from("2024-05-06T07:08:09");
        simple(&mut naive, SimpleType::Datetime, Direction::FromFlytekit);
        assert_eq!(naive.as_str(), Some("2024-05-06T07:08:09+00:00"));
        let mut b = Mp::Array(vec![Mp::from(1u8), Mp::from(255u8)]);
        simple(&mut b, SimpleType::Binary, Direction::ToFlytekit);
        assert_eq!(b, Mp::Binary(vec![1, 255]));
    }
}
