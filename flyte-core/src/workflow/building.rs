//! Whether this thread is building a graph. A `#[task]` function called as a function
//! then (`(0..n).map(square)` in a dynamic body, where `square(i)` adds a node) would
//! run its body while the graph is built instead of adding a node; the function
//! checks [`not_while_building`] first and says so.

use std::cell::Cell;
use std::marker::PhantomData;

thread_local! {
    static BUILDING: Cell<u32> = const { Cell::new(0) };
}

/// Held by a graph builder for as long as it builds; not `Send`, as the count is the
/// thread's.
pub(crate) struct Building(PhantomData<*const ()>);

impl Building {
    pub(crate) fn start() -> Self {
        BUILDING.with(|b| b.set(b.get() + 1));
        Building(PhantomData)
    }
}

impl Drop for Building {
    fn drop(&mut self) {
        BUILDING.with(|b| b.set(b.get().saturating_sub(1)));
    }
}

/// Panics when a graph is being built on this thread: `task`'s function was called as
/// a function where a call by name adds a node.
pub fn not_while_building(task: &str) {
    if BUILDING.with(Cell::get) > 0 {
        panic!(
            "the task function `{task}` was called as a function while a graph is built (passed by name, as in `.map({task})`?): call it as `{task}(x)` in the body, which adds a node"
        );
    }
}
