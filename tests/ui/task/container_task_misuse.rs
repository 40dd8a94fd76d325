// A container task is a signature without a body whose command, image and outputs
// are checked while compiling: each mistake is one error at its tokens.
use flytekit::prelude::*;

// No image.
#[container_task(command = ["true"])]
fn no_image(x: i64);

// A placeholder naming no input.
#[container_task(image = "busybox", command = ["echo", "{{.inputs.y}}"])]
fn wrong_input(x: i64);

// Outputs without an output folder are read from the copilot's default one.
#[container_task(image = "busybox", command = ["true"])]
fn default_output_dir(x: i64) -> i64;

// An output a file cannot hold.
#[container_task(image = "busybox", command = ["true"], output_data_dir = "/var/outputs")]
fn list_out(x: i64) -> Vec<i64>;

// A body.
#[container_task(image = "busybox", command = ["true"])]
fn with_body(x: i64) {
    let _ = x;
}

// A value that is not one of the choices.
#[container_task(image = "busybox", command = ["true"], metadata_format = "xml")]
fn bad_format(x: i64);

// A content hash the copilot would never write.
#[container_task(image = "busybox", command = ["true"], hash_outputs)]
fn hashed(x: i64) -> FlyteFile;

// A command that is not a list.
#[container_task(image = "busybox", command = "true")]
fn not_a_list(x: i64);

fn main() {}
