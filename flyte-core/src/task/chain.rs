//! Errors and panics as text: an error with its chain of causes ([`ErrorChain`]),
//! and a panic's payload ([`panic_message`]).

use std::error::Error;
use std::fmt;

/// An error and its causes as one text: `error: cause: cause` on one line (logs,
/// the command line), or one cause a line under the error ([`ErrorChain::multiline`],
/// error documents). A cause whose text the previous one already holds (object_store
/// repeats its inner errors) is left out.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::task::{ErrorChain, TaskError};
///
/// let e = TaskError::failed(std::io::Error::other("disk full"));
/// assert_eq!(ErrorChain::new(&e).to_string(), "task returned an error: disk full");
/// assert_eq!(
///     ErrorChain::new(&e).multiline().to_string(),
///     "task returned an error\n  caused by: disk full"
/// );
/// ```
#[derive(Clone, Copy)]
pub struct ErrorChain<'a> {
    error: &'a (dyn Error + 'static),
    separator: &'static str,
    causes_only: bool,
}

impl<'a> ErrorChain<'a> {
    /// `error` and its causes, on one line.
    pub fn new(error: &'a (dyn Error + 'static)) -> Self {
        ErrorChain {
            error,
            separator: ": ",
            causes_only: false,
        }
    }

    /// Each cause on a line of its own, as `caused by: ...`.
    pub fn multiline(mut self) -> Self {
        self.separator = "\n  caused by: ";
        self
    }

    /// Only the causes, each after the separator (for a message that already says
    /// what the error itself says).
    pub fn causes_only(mut self) -> Self {
        self.causes_only = true;
        self
    }
}

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut previous = self.error.to_string();
        if !self.causes_only {
            f.write_str(&previous)?;
        }
        let mut next = self.error.source();
        while let Some(cause) = next {
            let text = cause.to_string();
            if !previous.contains(&text) {
                write!(f, "{}{text}", self.separator)?;
                previous = text;
            }
            next = cause.source();
        }
        Ok(())
    }
}

impl fmt::Debug for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The text of a panic payload (`panic!` gives a `&str` or a `String`).
pub(crate) fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(s) => (*s).to_string(),
            Err(_) => "a panic with a non-string payload".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct E(&'static str, Option<Box<E>>);
    impl fmt::Display for E {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl Error for E {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn causes_repeated_by_the_previous_text_are_shown_once() {
        let chain = E(
            "store error: not found: GET /x 404",
            Some(Box::new(E(
                "GET /x 404",
                Some(Box::new(E("disk gone", None))),
            ))),
        );
        assert_eq!(
            ErrorChain::new(&chain).to_string(),
            "store error: not found: GET /x 404: disk gone"
        );
        assert_eq!(
            format!("cannot read{}", ErrorChain::new(&chain).multiline()),
            "cannot readstore error: not found: GET /x 404\n  caused by: disk gone"
        );
        assert_eq!(
            ErrorChain::new(&chain)
                .multiline()
                .causes_only()
                .to_string(),
            "\n  caused by: disk gone"
        );
    }

    #[test]
    fn panic_payloads_become_messages() {
        assert_eq!(panic_message(Box::new("static str")), "static str");
        assert_eq!(panic_message(Box::new(String::from("owned"))), "owned");
        assert_eq!(
            panic_message(Box::new(42u8)),
            "a panic with a non-string payload"
        );
    }
}
