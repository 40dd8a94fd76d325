//! Text as Python writes it for protobuf's JSON mapping: strings as `json.dumps`
//! escapes them, floats as `repr` prints them, Timestamps and Durations as
//! `MessageToJson` spells them. flytekit's literal hash and `serialize --json` both
//! need the same spelling.

use std::fmt::Write as _;

/// `json.dumps` of a `str` with `ensure_ascii`: anything outside space..`~` escaped,
/// characters past U+FFFF as surrogate pairs, hex digits in lower case.
pub(crate) fn python_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// Python's `repr` of a float: the shortest digits that read back as the same
/// value (Rust finds the same ones), positional from 1e-4 up to 1e16 and with an
/// exponent of at least two digits outside that; NaN and infinities are the strings
/// `MessageToDict` writes for them.
pub(crate) fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "\"NaN\"".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        }
        .to_string();
    }
    // `{:e}` gives the shortest round-trip digits as `d.ddde<exp>`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` writes a decimal exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        if exp < 0 {
            let zeros = "0".repeat((-exp - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        } else {
            let point = exp as usize + 1;
            if digits.len() <= point {
                let zeros = "0".repeat(point - digits.len());
                format!("{sign}{digits}{zeros}.0")
            } else {
                format!("{sign}{}.{}", &digits[..point], &digits[point..])
            }
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{fraction}e{exp_sign}{:02}", exp.abs())
    }
}

/// Protobuf's JSON form of a fraction of a second: none, or 3, 6 or 9 digits.
fn nanos_suffix(nanos: i32) -> String {
    let nanos = nanos.unsigned_abs();
    if nanos == 0 {
        String::new()
    } else if nanos.is_multiple_of(1_000_000) {
        format!(".{:03}", nanos / 1_000_000)
    } else if nanos.is_multiple_of(1_000) {
        format!(".{:06}", nanos / 1_000)
    } else {
        format!(".{nanos:09}")
    }
}

/// Protobuf's JSON form of a Timestamp: RFC 3339 in UTC, with 0, 3, 6 or 9 digits.
pub(crate) fn timestamp_text(t: &prost_types::Timestamp) -> String {
    match chrono::DateTime::from_timestamp(t.seconds, 0) {
        Some(at) => format!(
            "{}{}Z",
            at.format("%Y-%m-%dT%H:%M:%S"),
            nanos_suffix(t.nanos)
        ),
        // Out of protobuf's range: Python would fail; keep the numbers.
        None => format!("{}s{}", t.seconds, nanos_suffix(t.nanos)),
    }
}

/// Protobuf's JSON form of a Duration: `"600s"`, `"1.500s"`, `"-0.5s"`.
pub(crate) fn duration_text(d: &prost_types::Duration) -> String {
    let sign = if d.seconds < 0 || d.nanos < 0 {
        "-"
    } else {
        ""
    };
    format!(
        "{sign}{}{}s",
        d.seconds.unsigned_abs(),
        nanos_suffix(d.nanos)
    )
}
