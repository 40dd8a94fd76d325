//! [`FlyteError`]: the error a failed node leaves, as a workflow's on-failure task
//! receives it (flytekit's `flytekit.types.error.FlyteError`).

use super::{FlyteType, Literal, LiteralMismatch, LiteralType, SimpleType};

/// What went wrong in a failed workflow: the message and the node that failed. An
/// on-failure task (`#[workflow(on_failure = cleanup)]`) takes it as an input named
/// `err` of type `Option<FlyteError>`.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::types::{FlyteError, FlyteType};
/// let e = FlyteError::new("n1", "disk full");
/// assert_eq!(FlyteError::from_literal(&e.to_literal()).unwrap(), e);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlyteError {
    /// What went wrong.
    pub message: String,
    /// The id of the node that failed (`n1`).
    pub failed_node_id: String,
}

impl FlyteError {
    /// The error of node `failed_node_id`.
    pub fn new(failed_node_id: impl Into<String>, message: impl Into<String>) -> Self {
        FlyteError {
            message: message.into(),
            failed_node_id: failed_node_id.into(),
        }
    }
}

impl std::fmt::Display for FlyteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node {} failed: {}", self.failed_node_id, self.message)
    }
}

impl FlyteType for FlyteError {
    fn literal_type() -> LiteralType {
        LiteralType::Simple(SimpleType::Error)
    }
    fn to_literal(&self) -> Literal {
        Literal::Error {
            message: self.message.clone(),
            failed_node_id: self.failed_node_id.clone(),
        }
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            Literal::Error {
                message,
                failed_node_id,
            } => Ok(FlyteError::new(failed_node_id.clone(), message.clone())),
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
}
