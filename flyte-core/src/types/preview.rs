//! Values quoted in messages, with a bound: an error or a log line about a 500 MB
//! input must not be 500 MB long (nor quote a secret in full).

use std::fmt::{self, Write};

use super::Literal;

/// How many characters of a value a message quotes.
pub const PREVIEW_CHARS: usize = 100;

/// `text` as a message quotes it: whole when it has at most [`PREVIEW_CHARS`]
/// characters, else its first ones, `…` and its length.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::types::preview;
/// assert_eq!(preview("4x"), "4x");
/// let long = "y".repeat(1_000);
/// assert_eq!(preview(&long), format!("{}… (1000 characters)", "y".repeat(100)));
/// ```
pub fn preview(text: &str) -> String {
    match text.char_indices().nth(PREVIEW_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}… ({} characters)", &text[..cut], text.chars().count()),
    }
}

/// Keeps the first [`PREVIEW_CHARS`] characters written to it and stops the
/// formatting after that, so quoting a huge value costs no more than a small one.
struct Bounded {
    text: String,
    chars: usize,
    cut: bool,
}

impl Write for Bounded {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            if self.chars == PREVIEW_CHARS {
                self.cut = true;
                return Err(fmt::Error);
            }
            self.text.push(c);
            self.chars += 1;
        }
        Ok(())
    }
}

impl Literal {
    /// This value as a message quotes it: its text ([`Display`](fmt::Display)) up to
    /// [`PREVIEW_CHARS`] characters, then `…` and its size (characters of a string,
    /// items of a list, entries of a map).
    ///
    /// ```
    /// # extern crate flytekit_core as flytekit;
    /// use flytekit::types::FlyteType;
    /// let big = vec![7i64; 10_000].to_literal();
    /// let text = big.preview();
    /// assert!(text.len() < 150 && text.ends_with("… (10000 items)"), "{text}");
    /// ```
    pub fn preview(&self) -> String {
        let mut out = Bounded {
            text: String::new(),
            chars: 0,
            cut: false,
        };
        let _ = write!(out, "{self}");
        if !out.cut {
            return out.text;
        }
        let size = match self.unwrap_union() {
            Literal::Primitive(super::Primitive::String(s)) => {
                format!("{} characters", s.chars().count())
            }
            Literal::Collection(items) => format!("{} items", items.len()),
            Literal::Map(entries) => format!("{} entries", entries.len()),
            Literal::Blob { uri, .. } => format!("{} characters", uri.chars().count()),
            _ => "cut".to_string(),
        };
        format!("{}… ({size})", out.text)
    }

    fn unwrap_union(&self) -> &Literal {
        match self {
            Literal::Union { value, .. } => value.unwrap_union(),
            other => other,
        }
    }
}

/// A duration as people read it in messages: `250µs`, `12.5ms`, `1.0s`, `2m 5s`,
/// `1h 30m` (rounded to its largest units; `humantime` would write `1s 1ms 899us
/// 707ns` for a measured second).
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use std::time::Duration;
/// use flytekit::types::human_duration;
/// assert_eq!(human_duration(Duration::from_nanos(1_001_899_707)), "1.0s");
/// assert_eq!(human_duration(Duration::from_millis(50)), "50ms");
/// assert_eq!(human_duration(Duration::from_secs(20 * 60)), "20m");
/// assert_eq!(human_duration(Duration::from_secs(3725)), "1h 2m");
/// ```
pub fn human_duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    if d < std::time::Duration::from_millis(1) {
        format!("{}µs", d.as_micros())
    } else if d < std::time::Duration::from_secs(1) {
        // Whole units as given (a `50ms` timeout), measured ones to a tenth.
        match d.subsec_nanos() % 1_000_000 {
            0 => format!("{}ms", d.as_millis()),
            _ => format!("{:.1}ms", d.as_secs_f64() * 1e3),
        }
    } else if secs < 60 {
        match d.subsec_nanos() {
            0 => format!("{secs}s"),
            _ => format!("{:.1}s", d.as_secs_f64()),
        }
    } else if secs < 3600 {
        match secs % 60 {
            0 => format!("{}m", secs / 60),
            s => format!("{}m {s}s", secs / 60),
        }
    } else {
        match (secs % 3600) / 60 {
            0 => format!("{}h", secs / 3600),
            m => format!("{}h {m}m", secs / 3600),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::FlyteType;

    #[test]
    fn short_values_are_quoted_whole_and_long_ones_cut_with_their_size() {
        assert_eq!(42i64.to_literal().preview(), "42");
        assert_eq!("hi".to_string().to_literal().preview(), "\"hi\"");
        let s = "é".repeat(5_000).to_literal().preview();
        assert!(
            s.starts_with("\"éé") && s.ends_with("… (5000 characters)"),
            "{s}"
        );
        assert_eq!(
            s.chars().count(),
            PREVIEW_CHARS + "… (5000 characters)".chars().count()
        );
        let m: std::collections::HashMap<String, i64> =
            (0..500).map(|i| (format!("k{i}"), i)).collect();
        assert!(m.to_literal().preview().ends_with("… (500 entries)"));
        assert_eq!(preview(&"a".repeat(100)), "a".repeat(100));
    }
}

/// ` (did you mean `x`?)` when one of `known` is within a couple of edits of `name`,
/// else nothing: for errors about unknown names.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let best = known
        .into_iter()
        .map(|k| (strsim::osa_distance(name, k), k))
        .filter(|(d, k)| *d <= (k.chars().count().max(name.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, k)) => format!(" (did you mean `{k}`?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod did_you_mean_tests {
    use super::did_you_mean;

    #[test]
    fn a_close_name_is_suggested_and_a_far_one_is_not() {
        assert_eq!(
            did_you_mean("tga", ["tag", "items"]),
            " (did you mean `tag`?)"
        );
        assert_eq!(
            did_you_mean("nightyl", ["nightly", "hourly"]),
            " (did you mean `nightly`?)"
        );
        assert_eq!(did_you_mean("zzz", ["tag", "items"]), "");
    }
}
