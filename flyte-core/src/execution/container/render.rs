//! The text forms Flyte gives values in a raw container's world: placeholders in its
//! command filled in as FlytePropeller fills them (`pluginmachinery/utils/template.go`),
//! and the input files Flyte's copilot writes (`flytecopilot/data/download.go`), both
//! in Go's formatting, so a command sees here what it sees on a cluster.

use std::time::{Duration, SystemTime};

use crate::task::container::{input_name, placeholder_at};
use crate::types::{Literal, Primitive};

/// What fills the placeholders of one run.
pub(super) struct Fill<'a> {
    /// The inputs by name.
    pub(super) inputs: &'a [(&'a str, &'a Literal)],
    /// `{{.input}}`: the inputs file.
    pub(super) input_file: &'a str,
    /// `{{.inputPrefix}}`: the folder holding it.
    pub(super) input_prefix: &'a str,
    /// `{{.outputPrefix}}`: where outputs go.
    pub(super) output_prefix: &'a str,
    /// `{{.rawOutputDataPrefix}}`.
    pub(super) raw_output_prefix: &'a str,
}

/// `text` with its placeholders filled in; a placeholder of another kind is left as
/// written. An input that is not a scalar is written as propeller writes it: a list
/// in brackets, items joined by commas.
pub(super) fn fill(text: &str, fill: &Fill<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = text[at..].find("{{") {
        let start = at + found;
        out.push_str(&text[at..start]);
        let Some((end, body)) = placeholder_at(text, start) else {
            out.push_str("{{");
            at = start + 2;
            continue;
        };
        let value = match input_name(&body) {
            Some(name) => fill
                .inputs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, l)| template_text(l)),
            None => match body.to_ascii_lowercase().as_str() {
                "input" => Some(fill.input_file.to_string()),
                "inputprefix" => Some(fill.input_prefix.to_string()),
                "outputprefix" => Some(fill.output_prefix.to_string()),
                "rawoutputdataprefix" => Some(fill.raw_output_prefix.to_string()),
                _ => None,
            },
        };
        match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&text[start..end]),
        }
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// A value as propeller writes it into a command (Go's `%v`).
pub(super) fn template_text(literal: &Literal) -> String {
    match literal {
        Literal::Primitive(p) => match p {
            Primitive::Integer(v) => v.to_string(),
            Primitive::Float(v) => go_float_v(*v),
            Primitive::String(v) => v.clone(),
            Primitive::Boolean(v) => v.to_string(),
            Primitive::Datetime(t) => go_timestamp(*t),
            Primitive::Duration(d) => go_duration(*d),
        },
        Literal::Blob { uri, .. } | Literal::StructuredDataset { uri, .. } => uri.clone(),
        Literal::Union { value, .. } => template_text(value),
        Literal::None => String::new(),
        Literal::Collection(items) => {
            let items: Vec<String> = items.iter().map(template_text).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

/// A value as the copilot writes it into an input file; `None` for a value it
/// writes no file for (lists, maps, structs: they are in the metadata file).
pub(super) fn file_text(literal: &Literal) -> Option<String> {
    match literal {
        Literal::Primitive(p) => Some(match p {
            Primitive::Integer(v) => v.to_string(),
            // Go's `strconv.FormatFloat(v, 'f', -1, 64)`: never an exponent.
            Primitive::Float(v) if v.is_finite() => format!("{v}"),
            Primitive::Float(v) => go_float_v(*v),
            Primitive::String(v) => v.clone(),
            Primitive::Boolean(v) => v.to_string(),
            Primitive::Datetime(t) => go_timestamp(*t),
            Primitive::Duration(d) => go_duration(*d),
        }),
        Literal::Union { value, .. } => file_text(value),
        _ => None,
    }
}

/// Go's `%v` of a `float64`: the shortest digits that read back, with an exponent
/// below 1e-4 or from 1e6 on (`1e+06`, `1e-05`).
pub(super) fn go_float_v(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    // strconv's shortest `g`: an exponent from 1e6 up (`1e+06`) and below 1e-4.
    if v != 0.0 && !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{v}")
    }
}

/// Go's `Duration.String()`: `1h2m3.5s`, `1.5s`, `500ms`, `0s`.
pub(super) fn go_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".to_string();
    }
    if nanos < 1_000_000_000 {
        // The largest unit below a second that keeps an integer part.
        let (unit, size) = if nanos < 1_000 {
            ("ns", 1)
        } else if nanos < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{}{unit}", fraction(nanos, size));
    }
    let secs = d.as_secs();
    let (h, m) = (secs / 3600, (secs / 60) % 60);
    let s = fraction(
        u128::from(secs % 60) * 1_000_000_000 + u128::from(d.subsec_nanos()),
        1_000_000_000,
    );
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, m) => format!("{m}m{s}s"),
        (h, m) => format!("{h}h{m}m{s}s"),
    }
}

/// `value / size` with the fraction's trailing zeros left out.
fn fraction(value: u128, size: u128) -> String {
    let (whole, rest) = (value / size, value % size);
    if rest == 0 {
        return whole.to_string();
    }
    let width = size.ilog10() as usize;
    let digits = format!("{rest:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// `ptypes.TimestampString`: RFC 3339 in UTC with the fraction's trailing zeros
/// left out (Go's `RFC3339Nano`).
pub(super) fn go_timestamp(t: SystemTime) -> String {
    let t = chrono::DateTime::<chrono::Utc>::from(t);
    let text = t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    match text.split_once('.') {
        Some((whole, fraction)) => {
            let digits = fraction.trim_end_matches('Z').trim_end_matches('0');
            if digits.is_empty() {
                format!("{whole}Z")
            } else {
                format!("{whole}.{digits}Z")
            }
        }
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_durations_and_placeholders_read_as_go_writes_them() {
        assert_eq!(go_float_v(2.5), "2.5");
        assert_eq!(go_float_v(3.0), "3");
        assert_eq!(go_float_v(1e6), "1e+06");
        assert_eq!(go_float_v(123456.0), "123456");
        assert_eq!(go_float_v(1073741824.0), "1.073741824e+09");
        assert_eq!(go_float_v(0.00001), "1e-05");
        assert_eq!(go_float_v(0.0001), "0.0001");
        assert_eq!(go_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(go_duration(Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(go_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(go_duration(Duration::ZERO), "0s");
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_500);
        assert_eq!(go_timestamp(t), "2023-11-14T22:13:20.5Z");
        assert_eq!(go_timestamp(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let (a, b) = (
            Literal::Primitive(Primitive::Float(2.5)),
            Literal::Primitive(Primitive::String("x y".into())),
        );
        let inputs = [("a", &a), ("b", &b)];
        let f = Fill {
            inputs: &inputs,
            input_file: "/in/inputs.pb",
            input_prefix: "/in",
            output_prefix: "/out",
            raw_output_prefix: "/raw",
        };
        assert_eq!(
            fill(
                "{{.inputs.a}}*{{ $Inputs.b }}>{{.outputPrefix}}{{.other}}{{",
                &f
            ),
            "2.5*x y>/out{{.other}}{{"
        );
        assert_eq!(
            crate::task::container::placeholders("{{.inputs.a}} {{.Inputs.zz}} {{.input}}"),
            ["a", "zz"]
        );
    }
}
