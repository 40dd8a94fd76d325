//! The runtime every bench measures on: tokio's multi-thread runtime with two
//! workers, as on this project's 2-core machines.

/// A multi-thread runtime with two workers and every driver on.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
