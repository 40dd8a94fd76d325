//! Stop signals for the command line: Ctrl-C (SIGINT) and SIGTERM, which Kubernetes
//! sends a container on preemption, eviction, deletion and timeouts.
//!
//! `run` waits for either next to the run and stops it ([`stop_requested`]).
//! `execute` listens on a thread of its own ([`TerminateWatch`]), so a task body
//! holding every runtime thread cannot keep the error document from being written.

use std::sync::Arc;

use flytekit_core::data::FileAccess;
use flytekit_core::entrypoint::{ExecuteRequest, Termination};

/// A signal that stops a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopSignal {
    /// Ctrl-C.
    Interrupt,
    /// SIGTERM.
    Terminate,
}

impl StopSignal {
    /// The exit code a shell reports for a process this signal ended: 128 + its number.
    pub fn exit_code(self) -> u8 {
        match self {
            StopSignal::Interrupt => 130,
            StopSignal::Terminate => 143,
        }
    }

    /// Its name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            StopSignal::Interrupt => "Ctrl-C",
            StopSignal::Terminate => "SIGTERM",
        }
    }
}

/// Resolves when the process receives Ctrl-C or SIGTERM. The handlers are installed
/// on the first poll; until then the signals keep their default action.
pub(crate) async fn stop_requested() -> StopSignal {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => StopSignal::Interrupt,
                _ = term.recv() => StopSignal::Terminate,
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                StopSignal::Interrupt
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        StopSignal::Interrupt
    }
}

/// Writes a `SYSTEM:Terminated` error document and exits when SIGTERM (or Ctrl-C)
/// arrives during `execute`; dropped when the attempt has written its own document.
///
/// The handler runs on its own thread with its own runtime and `FileAccess`, so it
/// does not depend on the attempt's threads, which a plain `fn` body may hold.
pub(crate) struct TerminateWatch {
    done: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TerminateWatch {
    /// Starts watching. `exit_code` is what the process exits with after writing the
    /// document (0, as after any error document, unless `FLYTE_FAIL_ON_ERROR`).
    pub(crate) fn start(
        termination: Arc<Termination>,
        request: ExecuteRequest,
        exit_code: i32,
    ) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        // Installed before the task starts, so a signal from now on is ours.
        let stop = {
            let _entered = runtime.enter();
            Box::pin(stop_requested())
        };
        let thread = std::thread::Builder::new()
            .name("flyte-sigterm".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let finished = tokio::task::spawn_blocking(move || {
                        let _ = done_rx.recv();
                    });
                    let signal = tokio::select! {
                        signal = stop => signal,
                        _ = finished => return,
                    };
                    tracing::warn!(
                        "{} received: stopping task `{}`",
                        signal.name(),
                        request.task_name
                    );
                    let fa = FileAccess::new();
                    let wrote = tokio::time::timeout(
                        std::time::Duration::from_secs(5),
                        termination.terminate(&fa, &request, signal.name()),
                    )
                    .await;
                    match wrote {
                        // The attempt wrote its own document; it is about to return.
                        Ok(Ok(false)) => return,
                        Ok(Ok(true)) => std::process::exit(exit_code),
                        Ok(Err(e)) => tracing::error!("{e}"),
                        Err(_) => {
                            tracing::error!("the error document could not be written within 5 s")
                        }
                    }
                    std::process::exit(1);
                })
            })?;
        Ok(TerminateWatch {
            done: Some(done_tx),
            thread: Some(thread),
        })
    }
}

impl Drop for TerminateWatch {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
