//! One error policy for pages and the API.
//!
//! A module's store error says what went wrong in its own words; [`Classify`] says once, per
//! error type, what that means for the client: not found, refused, a conflict with the record's
//! state, invalid input, or our own fault. From there one conversion makes the page's status
//! (`WebError`, rendered by the shell in the person's language) and one the API's problem+json
//! (`ApiError`), so handlers write `?` and every module answers alike:
//!
//! | Failure      | page                  | API (RFC 9457)          |
//! |--------------|-----------------------|-------------------------|
//! | NotFound     | 404                   | 404 not-found           |
//! | Forbidden    | 403, audited by shell | 403 forbidden           |
//! | Refused      | 403, audited already  | 403 forbidden           |
//! | Conflict     | 409                   | 409 conflict + reason   |
//! | Invalid      | 422                   | 422 validation + fields |
//! | BadRequest   | 400                   | 400 bad-request         |
//! | Internal     | 500, cause logged     | 500, cause logged       |
//!
//! A form handler that can show invalid input next to its fields matches `Invalid` before it
//! reaches `?`; the 422 page is the fallback for input that arrives another way.

use crate::access::AccessError;
use crate::db::DbError;
use crate::identity::{FieldError, IdentityError};

/// What an error means for the one who asked.
#[derive(Debug)]
pub enum Failure {
    NotFound,
    /// Refused by a role gate in the handler; the shell writes the refusal to the audit log.
    Forbidden,
    /// Refused by the access engine, which has already written the refusal to the audit log.
    Refused,
    /// Not possible in the record's current state (a step out of order, a version in use).
    Conflict(String),
    /// Input that failed the checks, per field.
    Invalid(Vec<FieldError>),
    /// A request the server cannot read.
    BadRequest(String),
    /// Our fault; the text is the cause, for the log only.
    Internal(String),
}

/// Implemented once per error type of a module (`impl Classify for StoreError`); the
/// conversions into `WebError` and `ApiError` follow from it.
pub trait Classify {
    fn classify(self) -> Failure;
}

impl Classify for DbError {
    fn classify(self) -> Failure {
        Failure::Internal(self.to_string())
    }
}

impl Classify for sqlx::Error {
    fn classify(self) -> Failure {
        Failure::Internal(self.to_string())
    }
}

impl Classify for AccessError {
    fn classify(self) -> Failure {
        match self {
            AccessError::Forbidden(_) => Failure::Refused,
            AccessError::Db(e) => e.classify(),
        }
    }
}

impl Classify for IdentityError {
    fn classify(self) -> Failure {
        match self {
            IdentityError::NotFound => Failure::NotFound,
            IdentityError::Invalid(errors) => Failure::Invalid(errors),
            other => Failure::Internal(other.to_string()),
        }
    }
}

impl Classify for askama::Error {
    fn classify(self) -> Failure {
        Failure::Internal(self.to_string())
    }
}

impl Classify for Failure {
    fn classify(self) -> Failure {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::api::ApiError;
    use crate::web::WebError;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;

    fn statuses(f: fn() -> Failure) -> (StatusCode, StatusCode) {
        (
            WebError::from(f()).into_response().status(),
            ApiError::from(f()).into_response().status(),
        )
    }

    #[test]
    fn each_failure_has_one_status_on_pages_and_in_the_api() {
        let table: [(fn() -> Failure, StatusCode); 7] = [
            (|| Failure::NotFound, StatusCode::NOT_FOUND),
            (|| Failure::Forbidden, StatusCode::FORBIDDEN),
            (|| Failure::Refused, StatusCode::FORBIDDEN),
            (
                || Failure::Conflict("al gesloten".into()),
                StatusCode::CONFLICT,
            ),
            (
                || Failure::Invalid(vec![crate::identity::field_error("naam", "leeg")]),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                || Failure::BadRequest("kapot".into()),
                StatusCode::BAD_REQUEST,
            ),
            (
                || Failure::Internal("disk".into()),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
        ];
        for (failure, status) in table {
            assert_eq!(statuses(failure), (status, status));
        }
    }

    #[test]
    fn an_engine_refusal_is_marked_as_already_audited() {
        let denied = || AccessError::Forbidden("no covenant");
        let page = WebError::from(denied()).into_response();
        let api = ApiError::from(denied()).into_response();
        assert!(page
            .extensions()
            .get::<crate::web::DenialRecorded>()
            .is_some());
        assert!(api
            .extensions()
            .get::<crate::web::DenialRecorded>()
            .is_some());
        let gate = WebError::Forbidden.into_response();
        assert!(gate
            .extensions()
            .get::<crate::web::DenialRecorded>()
            .is_none());
    }
}
