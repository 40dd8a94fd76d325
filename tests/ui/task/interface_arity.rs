use flytekit::prelude::*;

// A plugin's interface names one name per input and output, checked by the compiler.
fn main() {
    let _ = Interface::of::<(String, i64), String>(["prefix"], ["objects"]);
}
