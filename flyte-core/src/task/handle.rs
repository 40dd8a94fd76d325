//! [`TaskStatic`]: the `'static` places a task can be named by where a run or a
//! registry takes one (`&fetch {}` for a `#[task]` function, `&SENSOR` for a struct
//! task in a `LazyLock`), so callers never write `&*SENSOR`.

use std::sync::LazyLock;

use super::Task;

/// Something that is, or holds, a task for the life of the program: a task value (a
/// `#[task] fn fetch` is the type `fetch`, and `&fetch {}` such a value) or a
/// `LazyLock` around a task.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use std::sync::LazyLock;
/// use flytekit::prelude::*;
///
/// struct Ping;
/// impl Task for Ping {
///     type Input = ();
///     type Output = String;
///     fn name(&self) -> &str { "ping" }
///     fn task_type(&self) -> &str { "ping" }
///     fn interface(&self) -> Interface { Interface::of::<(), String>([], ["o0"]) }
///     async fn execute(&self, _ctx: ExecutionContext, _: ()) -> Result<String, TaskError> {
///         Ok("pong".into())
///     }
/// }
///
/// static PING: LazyLock<Ping> = LazyLock::new(|| Ping);
///
/// // `&PING`, not `&*PING`:
/// let options = RunOptions::default().mock(&PING, |()| "mocked".to_string());
/// ```
pub trait TaskStatic: Send + Sync + 'static {
    /// The task held.
    type Task: Task;
    /// The task, initialised if it is lazy.
    fn task(&'static self) -> &'static Self::Task;
}

impl<T: Task> TaskStatic for T {
    type Task = T;
    fn task(&'static self) -> &'static T {
        self
    }
}

impl<T: Task, F: FnOnce() -> T + Send + 'static> TaskStatic for LazyLock<T, F> {
    type Task = T;
    fn task(&'static self) -> &'static T {
        LazyLock::force(self)
    }
}
