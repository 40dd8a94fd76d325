//! When a launch plan runs by itself: a cron schedule (five fields or an alias such
//! as `@daily`, with an optional ISO 8601 offset) or a fixed rate, and the input that
//! receives the scheduled time.

use std::time::Duration;

use crate::task::IntoDuration;

/// A launch plan's schedule: [`Schedule::cron`] or [`Schedule::fixed_rate`], with
/// [`Schedule::kickoff_input`] naming the `DateTime<Utc>` input that receives the time
/// of each scheduled run.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::launch_plan::Schedule;
/// let nightly = Schedule::cron("0 5 * * *").offset("PT30M").kickoff_input("run_at");
/// assert!(nightly.check().is_ok());
/// assert!(Schedule::cron("0 25 * * *").check().is_err());
/// assert!(Schedule::fixed_rate("6h").check().is_ok());
/// assert!(Schedule::fixed_rate("90s").check().is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Schedule {
    /// What the schedule runs on.
    pub kind: ScheduleKind,
    /// The datetime input that receives each run's scheduled time, if any.
    pub kickoff_input: Option<String>,
}

/// What a [`Schedule`] runs on.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ScheduleKind {
    /// A cron expression, and an offset from each time it names.
    Cron {
        /// Five fields (`"0 5 * * *"`) or an alias (`"@daily"`).
        expression: String,
        /// An ISO 8601 duration (`"PT30M"`).
        offset: Option<String>,
    },
    /// Every so often; a whole number of minutes. Keeps the text given when it was not
    /// a duration, for [`Schedule::check`] to report.
    FixedRate(Result<Duration, String>),
}

/// The aliases Flyte's scheduler takes for whole cron expressions.
const ALIASES: [(&str, &str); 7] = [
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
    ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"),
    ("@daily", "0 0 * * *"),
    ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
];

/// A schedule that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The cron expression does not parse.
    #[error(
        "invalid cron expression `{expression}`: {reason} (expected five fields, minute hour day-of-month month day-of-week, such as \"0 5 * * *\", or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"
    )]
    Cron {
        /// The expression given.
        expression: String,
        /// What the parser said.
        reason: String,
    },
    /// The offset is not an ISO 8601 duration.
    #[error(
        "invalid cron offset `{offset}`: expected an ISO 8601 duration such as \"PT30M\" or \"P1DT2H\""
    )]
    Offset {
        /// The offset given.
        offset: String,
    },
    /// The rate is not a whole number of minutes.
    #[error("invalid fixed rate `{rate}`: {reason}")]
    Rate {
        /// The rate given.
        rate: String,
        /// What is wrong.
        reason: String,
    },
    /// The kickoff input is not an input of the workflow.
    #[error("kickoff input `{input}` is not an input of the workflow (inputs: {})", .inputs.join(", "))]
    UnknownKickoffInput {
        /// The name given.
        input: String,
        /// The workflow's inputs.
        inputs: Vec<String>,
    },
    /// The kickoff input is not a datetime.
    #[error(
        "kickoff input `{input}` is of type {ty}; it receives the scheduled time, so it must be a datetime (DateTime<Utc>)"
    )]
    KickoffNotDatetime {
        /// The input.
        input: String,
        /// Its type.
        ty: String,
    },
    /// The kickoff input is fixed, so the scheduled time could not be passed.
    #[error("kickoff input `{input}` is fixed; the scheduler sets it on every run")]
    KickoffFixed {
        /// The input.
        input: String,
    },
    /// A scheduled run would have no value for an input.
    #[error("a scheduled run has no value for {}: fix them or give them defaults", .inputs.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))]
    InputsWithoutValue {
        /// The inputs.
        inputs: Vec<String>,
    },
}

impl Schedule {
    /// Runs at the times a cron expression names: five fields (`"0 5 * * *"`, 05:00
    /// UTC every day) or an alias (`"@daily"`), written as given.
    pub fn cron(expression: impl Into<String>) -> Self {
        Schedule {
            kind: ScheduleKind::Cron {
                expression: expression.into(),
                offset: None,
            },
            kickoff_input: None,
        }
    }

    /// Runs every `rate` (`"6h"`, `"90m"`, or a [`Duration`]): a whole number of
    /// minutes, written in the largest unit that divides it (days, hours, minutes).
    pub fn fixed_rate(rate: impl IntoDuration) -> Self {
        let rate = rate.into_duration("fixed_rate").map_err(|e| e.to_string());
        Schedule {
            kind: ScheduleKind::FixedRate(rate),
            kickoff_input: None,
        }
    }

    /// Shifts each time a cron schedule names by an ISO 8601 duration (`"PT30M"`).
    /// Ignored by a fixed rate.
    pub fn offset(mut self, offset: impl Into<String>) -> Self {
        if let ScheduleKind::Cron { offset: o, .. } = &mut self.kind {
            *o = Some(offset.into());
        }
        self
    }

    /// The datetime input that receives each run's scheduled time.
    pub fn kickoff_input(mut self, name: impl Into<String>) -> Self {
        self.kickoff_input = Some(name.into());
        self
    }

    /// Checks the schedule by itself: the cron expression parses, the offset is an
    /// ISO 8601 duration, the rate is a positive whole number of minutes. A launch
    /// plan also checks the kickoff input against its workflow.
    pub fn check(&self) -> Result<(), ScheduleError> {
        match &self.kind {
            ScheduleKind::Cron { expression, offset } => {
                check_cron(expression)?;
                match offset {
                    Some(o) if !is_iso_duration(o) => {
                        Err(ScheduleError::Offset { offset: o.clone() })
                    }
                    _ => Ok(()),
                }
            }
            ScheduleKind::FixedRate(rate) => rate_in_units(rate).map(|_| ()),
        }
    }
}

/// A fixed rate as Flyte writes it: a value and a unit (0 minute, 1 hour, 2 day), the
/// largest unit that divides the rate exactly.
pub(crate) fn rate_in_units(rate: &Result<Duration, String>) -> Result<(u32, i32), ScheduleError> {
    let bad = |rate: String, reason: &str| ScheduleError::Rate {
        rate,
        reason: reason.to_string(),
    };
    let d = match rate {
        Ok(d) => *d,
        Err(e) => return Err(bad(e.clone(), "not a duration")),
    };
    let text = humantime::format_duration(d).to_string();
    if d.subsec_nanos() != 0 || d.as_secs() % 60 != 0 || d.is_zero() {
        return Err(bad(text, "Flyte schedules whole minutes, at least one"));
    }
    let minutes = d.as_secs() / 60;
    let (value, unit) = if minutes % (24 * 60) == 0 {
        (minutes / (24 * 60), 2)
    } else if minutes % 60 == 0 {
        (minutes / 60, 1)
    } else {
        (minutes, 0)
    };
    let value = u32::try_from(value).map_err(|_| bad(text, "too long"))?;
    Ok((value, unit))
}

fn check_cron(expression: &str) -> Result<(), ScheduleError> {
    let trimmed = expression.trim();
    let pattern = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(trimmed))
        .map_or(trimmed, |(_, five)| five);
    let parser = croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Disallowed)
        .build();
    parser
        .parse(pattern)
        .map(|_| ())
        .map_err(|e| ScheduleError::Cron {
            expression: expression.to_string(),
            reason: e.to_string(),
        })
}

/// `P[nY][nM][nW][nD][T[nH][nM][nS]]` with at least one part (seconds may have a
/// fraction), as Flyte's scheduler reads offsets.
fn is_iso_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return false,
        None => (rest, None),
    };
    let parts = |text: &str, units: &str, fraction_last: bool| -> Option<usize> {
        let mut count = 0;
        let mut allowed = units;
        let mut number = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() || (c == '.' && fraction_last) {
                number.push(c);
                continue;
            }
            let at = allowed.find(c)?;
            if number.is_empty() || (number.contains('.') && c != 'S') {
                return None;
            }
            allowed = &allowed[at + 1..];
            number.clear();
            count += 1;
        }
        number.is_empty().then_some(count)
    };
    match (
        parts(date, "YMWD", false),
        time.map(|t| parts(t, "HMS", true)),
    ) {
        (Some(d), None) => d > 0,
        (Some(d), Some(Some(t))) => d + t > 0 && t > 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_takes_five_fields_and_aliases() {
        for ok in [
            "0 5 * * *",
            "@daily",
            "@midnight",
            "@HOURLY",
            "*/15 9-17 * * MON-FRI",
        ] {
            assert_eq!(check_cron(ok), Ok(()), "{ok}");
        }
        for bad in ["0 5 * *", "0 5 * * * *", "61 5 * * *", "@every 5m", ""] {
            assert!(check_cron(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn offsets_are_iso_8601_durations() {
        for ok in ["PT30M", "P1D", "P1DT2H", "PT0.5S", "P2W"] {
            assert!(is_iso_duration(ok), "{ok}");
        }
        for bad in ["30m", "P", "PT", "P1H", "PT1D", "PT1.5M", "P1DT"] {
            assert!(!is_iso_duration(bad), "{bad}");
        }
    }

    #[test]
    fn rates_use_the_largest_unit_that_divides_them() {
        let r = |s: &str| rate_in_units(&Ok(humantime::parse_duration(s).unwrap()));
        assert_eq!(r("6h"), Ok((6, 1)));
        assert_eq!(r("90m"), Ok((90, 0)));
        assert_eq!(r("2d"), Ok((2, 2)));
        assert_eq!(r("1d 1h"), Ok((25, 1)));
        assert!(r("90s").is_err());
        assert!(r("0s").is_err());
    }
}
