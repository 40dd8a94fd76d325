//! Workflow bodies that cannot become a graph, one module a case.
//! (Cases share a file: each file is a crate trybuild checks against the SDK,
//! a few seconds apiece.)

mod async_workflow {
    use flytekit::prelude::*;

    #[task]
    fn inc(x: i64) -> i64 {
        x + 1
    }

    #[workflow]
    async fn pipeline(x: i64) -> i64 {
        inc(x)
    }
}

mod await_in_body {
    use flytekit::prelude::*;

    #[task]
    fn inc(x: i64) -> i64 {
        x + 1
    }

    // `.await` and `?` in a workflow body: one error each, ours, at the token.
    #[workflow]
    fn pipeline(x: i64) -> i64 {
        let y = inc(x).await;
        let z = inc(y)?;
        z
    }
}

mod graph_misuse {
    //! `#[graph]` helpers: what they cannot be, and that they only run in a graph body.
    use flytekit::prelude::*;

    #[task]
    fn double(x: i64) -> i64 {
        x * 2
    }

    #[graph]
    async fn later(x: Promise<i64>) -> Promise<i64> {
        double(x)
    }

    #[graph]
    fn generic<T>(x: Promise<i64>, _t: T) -> Promise<i64> {
        double(x)
    }

    #[graph(name = "x")]
    fn named(x: Promise<i64>) -> Promise<i64> {
        double(x)
    }

    #[graph]
    fn twice(x: Promise<i64>) -> Promise<i64> {
        double(double(x))
    }
}

mod not_a_graph {
    use flytekit::prelude::*;

    #[task]
    fn inc(x: i64) -> i64 {
        x + 1
    }

    #[workflow]
    fn loops(x: i64) -> i64 {
        let mut y = inc(x);
        while true {
            y = inc(y);
        }
        y
    }

    #[workflow]
    fn awaits(x: i64) -> i64 {
        inc(x).await
    }
}

fn main() {}
