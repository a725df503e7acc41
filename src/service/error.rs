//! The one error of the service layer. Every front end maps it once: JSON in the API (`http::api`),
//! pages in the console (`http::console`), exit codes and messages in the CLI.

use crate::routing::FieldError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Nothing of that name, or something of another tenant (which reads the same).
    #[error("{0}")]
    NotFound(String),
    /// The write collides with what is stored now (a name taken, or other writers kept winning a
    /// compare-and-swap); trying again may succeed.
    #[error("{0}")]
    Conflict(String),
    /// The request itself is wrong; each error names its field.
    #[error("invalid: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// Storage failed; the source says how. Nothing the caller sent is at fault.
    #[error(transparent)]
    Unavailable(StoreError),
}

impl ServiceError {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(vec![FieldError::new(field, message)])
    }

    /// Nothing when `errs` is empty; otherwise the request is invalid, for all of them at once.
    pub fn check(errs: Vec<FieldError>) -> Result<(), ServiceError> {
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(errs))
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            // Lost every compare-and-swap retry to other writers: nothing was written and the
            // caller may try again, which is what a conflict says.
            StoreError::Contended(_) => ServiceError::Conflict(e.to_string()),
            e => ServiceError::Unavailable(e),
        }
    }
}
