//! The SDK's log output: the `tracing` subscriber [`crate::init_logging`] and the
//! command line install.

/// Logs to stderr, filtered by `RUST_LOG` (`info` by default): one JSON object per
/// event, with the span fields (workflow, execution, node, task, attempt) as keys, when
/// `FLYTE_SDK_LOGGING_FORMAT=json` (flytekit's variable) or inside a Flyte container
/// (`FLYTE_INTERNAL_EXECUTION_ID` set), where log collectors want JSON; readable text
/// otherwise. A no-op when the program installed a subscriber of its own.
pub(crate) fn install() {
    let filter =
        || tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let json = match std::env::var("FLYTE_SDK_LOGGING_FORMAT") {
        Ok(format) => format.eq_ignore_ascii_case("json"),
        Err(_) => std::env::var_os("FLYTE_INTERNAL_EXECUTION_ID").is_some(),
    };
    if json {
        let _ = tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .try_init();
    } else {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .with_ansi(
                std::io::IsTerminal::is_terminal(&std::io::stderr())
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            )
            .try_init();
    }
}
