//! The JSON API under `/api/v1`, described by OpenAPI 3.1 generated from these handlers. Errors
//! are RFC 9457 problem details; a missing, malformed or expired token is a 401, never a 500.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Ctx};
use crate::access::{
    self, Action, AuditTrail, Organisations, Principal, Purpose, UserAccount, UserDirectory,
};
use crate::audit::{self, AuditFilter, AuditRecord};
use crate::identity::{
    self, FieldError, NewOrganisation, Organisation, TokenProblem, UserDetail, UserFilter,
    UserSummary,
};

/// RFC 9457 problem details.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields that failed validation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

pub fn problem(status: StatusCode, kind: &str, title: &str, detail: Option<String>) -> Response {
    problem_with(status, kind, title, detail, Vec::new())
}

fn problem_with(
    status: StatusCode,
    kind: &str,
    title: &str,
    detail: Option<String>,
    errors: Vec<FieldError>,
) -> Response {
    let body = Problem {
        kind: format!("https://baken.example/problems/{kind}"),
        title: title.to_string(),
        status: status.as_u16(),
        detail,
        errors,
    };
    let mut r = (status, Json(body)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/problem+json"),
    );
    r
}

#[derive(Debug)]
pub enum ApiError {
    Unauthorized(&'static str),
    /// Refused by a gate in the handler; the shell writes the refusal to the audit log.
    Forbidden,
    /// Refused by the access engine, which has already written the refusal to the audit log.
    Refused,
    NotFound,
    Invalid(Vec<FieldError>),
    /// Not possible in the record's current state; the reason is for the caller.
    Conflict(String),
    BadRequest(String),
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Unauthorized(why) => {
                let mut r = problem(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "Authentication required",
                    Some(why.into()),
                );
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
                r
            }
            ApiError::Forbidden => problem(StatusCode::FORBIDDEN, "forbidden", "Not allowed", None),
            ApiError::Refused => {
                let mut r = problem(StatusCode::FORBIDDEN, "forbidden", "Not allowed", None);
                r.extensions_mut().insert(super::DenialRecorded);
                r
            }
            ApiError::NotFound => {
                problem(StatusCode::NOT_FOUND, "not-found", "No such resource", None)
            }
            ApiError::Invalid(errors) => problem_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Input failed validation",
                Some(
                    errors
                        .iter()
                        .map(|e| e.field.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                errors,
            ),
            ApiError::Conflict(reason) => problem(
                StatusCode::CONFLICT,
                "conflict",
                "Conflict with the state of the record",
                Some(reason),
            ),
            ApiError::BadRequest(d) => problem(
                StatusCode::BAD_REQUEST,
                "bad-request",
                "Bad request",
                Some(d),
            ),
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "api internal error");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    None,
                )
            }
        }
    }
}

impl<E: super::errors::Classify> From<E> for ApiError {
    fn from(e: E) -> Self {
        use super::errors::Failure;
        match e.classify() {
            Failure::NotFound => ApiError::NotFound,
            Failure::Forbidden => ApiError::Forbidden,
            Failure::Refused => ApiError::Refused,
            Failure::Conflict(reason) => ApiError::Conflict(reason),
            Failure::Invalid(errors) => ApiError::Invalid(errors),
            Failure::BadRequest(d) => ApiError::BadRequest(d),
            Failure::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

/// The caller of an API request, or the 401 that explains why there is none.
pub fn api_user(ctx: &Ctx) -> Result<&Principal, ApiError> {
    match (&ctx.user, &ctx.token_problem) {
        (Some(p), _) => Ok(p),
        (None, Some(TokenProblem::Malformed)) => Err(ApiError::Unauthorized("malformed token")),
        (None, Some(TokenProblem::Expired)) => Err(ApiError::Unauthorized("token expired")),
        (None, Some(TokenProblem::Unknown)) => {
            Err(ApiError::Unauthorized("unknown or revoked token"))
        }
        (None, None) => Err(ApiError::Unauthorized("no token or session")),
    }
}

/// Axum's JSON extractor answers bad JSON with a plain-text error; this one answers problem+json.
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mime, _) = super::input::mime(req.headers());
        let json = mime == "application/json" || mime.ends_with("+json");
        if !json {
            return Err(ApiError::BadRequest(
                "Expected request with `Content-Type: application/json`".into(),
            ));
        }
        let bytes = <axum::body::Bytes as axum::extract::FromRequest<S>>::from_request(req, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        // Every request body is an object; serde would also read a struct from an array.
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Err(match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(_) => ApiError::Invalid(vec![FieldError {
                    field: "body".into(),
                    message: "expected a JSON object".into(),
                }]),
                Err(e) => ApiError::BadRequest(format!("the body is not JSON: {e}")),
            });
        }
        // PostgreSQL cannot store a NUL in text: refused here rather than a 500 there, anywhere
        // in the body (the OpenAPI document says so of every string and member name).
        if super::input::json_has_nul(&bytes) {
            return Err(ApiError::BadRequest(
                "a string contains a NUL character (\\u0000), which Baken does not accept".into(),
            ));
        }
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => match rejection {
                axum::extract::rejection::JsonRejection::JsonDataError(e) => {
                    Err(ApiError::Invalid(vec![FieldError {
                        field: data_error_field(&e.body_text()),
                        message: e.body_text(),
                    }]))
                }
                other => Err(ApiError::BadRequest(other.body_text())),
            },
        }
    }
}

/// The field a JSON data error is about: axum reports "Failed to deserialize the JSON body into
/// the target type: year: invalid type: …" (the path to the field first), or "…: missing field
/// `name` at line …".
fn data_error_field(text: &str) -> String {
    let detail = text
        .split_once("target type: ")
        .map_or(text, |(_, rest)| rest);
    if let Some(field) = detail.split("missing field `").nth(1) {
        return field.split('`').next().unwrap_or("body").to_string();
    }
    match detail.split_once(": ") {
        Some((path, _)) if !path.contains(' ') && !path.is_empty() => path.to_string(),
        _ => "body".to_string(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub database: String,
    pub version: String,
}

/// Liveness and database health.
#[utoipa::path(get, path = "/healthz", tag = "platform", responses(
    (status = 200, description = "Healthy", body = Health),
    (status = 503, description = "The database does not answer", body = Health)
))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    let ok = tokio::time::timeout(std::time::Duration::from_secs(3), state.db.ping())
        .await
        .is_ok_and(|r| r.is_ok());
    let body = Health {
        status: if ok { "ok" } else { "unavailable" }.into(),
        database: state.db.backend().name().into(),
        version: state.settings.version.clone(),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub organisation_slug: String,
    pub roles: Vec<String>,
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/me", tag = "platform", security(("bearer" = [])), responses(
    (status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")
))]
async fn me(Extension(ctx): Extension<Ctx>) -> Result<Json<Me>, ApiError> {
    let p = api_user(&ctx)?;
    Ok(Json(Me {
        id: p.user_id.clone(),
        name: p.name.clone(),
        email: p.email.clone(),
        organisation: p.organisation_name.clone(),
        organisation_slug: p.organisation_slug.clone(),
        roles: p.roles.iter().map(|r| r.slug().to_string()).collect(),
    }))
}

/// All organisations.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "platform", security(("bearer" = [])), responses(
    (status = 200, body = [Organisation]), (status = 401, body = Problem, content_type = "application/problem+json")
))]
async fn organisations_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<Organisation>>, ApiError> {
    api_user(&ctx)?;
    Ok(Json(identity::list_organisations(&state.db).await?))
}

/// Creates an organisation (administrators).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "platform", security(("bearer" = [])), request_body = NewOrganisation, responses(
    (status = 201, body = Organisation),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn organisations_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(input): ApiJson<NewOrganisation>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Organisations { id: None },
        Purpose::Beheer,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let org = identity::create_organisation(&mut tx, &input).await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(org)).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
struct UsersQuery {
    /// Part of a name or e-mail address.
    q: Option<String>,
    organisation_id: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub total: i64,
    pub items: Vec<UserSummary>,
}

/// The largest offset a list takes: far beyond any list, far from overflowing.
const MAX_OFFSET: i64 = 100_000_000;

fn page_bounds(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), ApiError> {
    let limit = limit.unwrap_or(50);
    let offset = offset.unwrap_or(0);
    let mut errors = Vec::new();
    if !(1..=500).contains(&limit) {
        errors.push(FieldError {
            field: "limit".into(),
            message: "must be between 1 and 500".into(),
        });
    }
    if !(0..=MAX_OFFSET).contains(&offset) {
        errors.push(FieldError {
            field: "offset".into(),
            message: format!("must be between 0 and {MAX_OFFSET}"),
        });
    }
    if errors.is_empty() {
        Ok((limit, offset))
    } else {
        Err(ApiError::Invalid(errors))
    }
}

/// Accounts the caller may see (all for administrators and auditors, otherwise the own organisation).
#[utoipa::path(get, path = "/api/v1/users", tag = "platform", security(("bearer" = [])), params(UsersQuery), responses(
    (status = 200, body = UserPage), (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn users_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<UsersQuery>,
) -> Result<Json<UserPage>, ApiError> {
    let p = api_user(&ctx)?;
    let (limit, offset) = page_bounds(q.limit, q.offset)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        UserDirectory,
        Purpose::Uitvoering,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let (items, total) = identity::list_users(
        &mut tx,
        &auth,
        &UserFilter {
            q: q.q,
            organisation_id: q.organisation_id,
            limit,
            offset,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(UserPage { total, items }))
}

/// One account; the read is audited.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "platform", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = UserDetail), (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn user_get(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<UserDetail>, ApiError> {
    let p = api_user(&ctx)?;
    let organisation_id = identity::user_organisation(&state.db, &id).await?;
    let purpose = if p.user_id == id {
        Purpose::EigenGegevens
    } else if p.has(access::Role::Beheerder) {
        Purpose::Beheer
    } else if p.has(access::Role::Auditor) {
        Purpose::Controle
    } else {
        Purpose::Uitvoering
    };
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Read,
        UserAccount {
            id,
            organisation_id,
        },
        purpose,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let user = identity::read_user(&mut tx, &auth).await?;
    tx.commit().await?;
    Ok(Json(user))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct AuditQuery {
    /// Part of the actor's name or id, or a subject or resource id.
    who: Option<String>,
    action: Option<String>,
    outcome: Option<String>,
    /// Milliseconds since the Unix epoch, inclusive.
    from: Option<i64>,
    /// Milliseconds since the Unix epoch, exclusive.
    until: Option<i64>,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub total: i64,
    pub items: Vec<AuditRecord>,
}

/// Searches the audit log (auditors and administrators); the search is itself audited.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "platform", security(("bearer" = [])), params(AuditQuery), responses(
    (status = 200, body = AuditPage), (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn audit_events(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let p = api_user(&ctx)?;
    let (limit, offset) = page_bounds(q.limit, q.offset)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        AuditTrail,
        Purpose::Controle,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let (items, total) = audit::search(
        &mut tx,
        &auth,
        &AuditFilter {
            who: q.who,
            action: q.action,
            resource_type: None,
            outcome: q.outcome,
            from_ms: q.from,
            to_ms: q.until,
            limit,
            offset,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(AuditPage { total, items }))
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Baken API", description = "Integraal Veiligheidsbeleid: platform API", license(name = "EUPL-1.2")),
    modifiers(&BearerAuth),
    components(schemas(Problem))
)]
struct ApiDoc;

/// The platform's API routes with their documentation; modules merge theirs into it.
pub fn openapi_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(healthz))
        .routes(routes!(me))
        .routes(routes!(organisations_list, organisations_create))
        .routes(routes!(users_list))
        .routes(routes!(user_get))
        .routes(routes!(audit_events))
}

/// The API's routes and its OpenAPI document, with the answers every operation can give
/// declared (see [`declare_common_answers`]).
pub fn split(api: OpenApiRouter<AppState>) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = api.split_for_parts();
    declare_common_answers(&mut doc);
    (router, doc)
}

/// Declares what the shell answers for every operation, so each handler's annotation need name
/// only its own answers: 400 for an unreadable request (a NUL character, a malformed parameter or
/// body), 401 and 403 and the bearer scheme for everything under `/api/v1` but the public
/// intake, 404 where the path names a resource, 413 and 422 where a body is sent. Every error is
/// `application/problem+json` with the [`Problem`] schema.
pub fn declare_common_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::security::SecurityRequirement;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

    let problem_content = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build()
    };
    let components = doc.components.get_or_insert_with(Default::default);
    components.schemas.values_mut().for_each(forbid_nul_ref);
    if let Some(any) = json_without_nul() {
        components.schemas.insert(JSON_WITHOUT_NUL.to_string(), any);
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let authenticated = path.starts_with("/api/v1/") && !path.starts_with("/api/v1/public/");
        let names_resource = path.contains('{');
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let mut answers = vec![(
                "400",
                "Onleesbaar verzoek (bijvoorbeeld een NUL-teken of een ongeldige parameter)",
            )];
            if authenticated {
                if op.security.is_none() {
                    op.security = Some(vec![SecurityRequirement::new(
                        "bearer",
                        Vec::<String>::new(),
                    )]);
                }
                answers.push(("401", "Geen, een ongeldig of een verlopen token"));
                answers.push(("403", "Niet toegestaan (vastgelegd in het auditlog)"));
            }
            if names_resource {
                answers.push(("404", "Bestaat niet"));
            }
            let has_query = op
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query));
            if op.request_body.is_some() {
                answers.push(("413", "Verzoek te groot"));
            }
            if op.request_body.is_some() || has_query {
                answers.push(("422", "Invoer voldoet niet"));
            }
            for p in op.parameters.iter_mut().flatten() {
                if let Some(schema) = &mut p.schema {
                    forbid_nul_ref(schema);
                }
            }
            if let Some(body) = &mut op.request_body {
                for content in body.content.values_mut() {
                    if let Some(schema) = &mut content.schema {
                        forbid_nul_ref(schema);
                    }
                }
            }
            for (status, description) in answers {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(description)
                                .content("application/problem+json", problem_content())
                                .build(),
                        )
                    });
            }
            // Errors are problem details, whatever an annotation said.
            for (status, answer) in op.responses.responses.iter_mut() {
                let is_error = status.starts_with('4') || status.starts_with('5');
                if let (true, RefOr::T(answer)) = (is_error, answer) {
                    let names_problem = answer.content.values().any(|c| {
                        matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"))
                    });
                    let typed = answer.content.contains_key("application/problem+json");
                    if !typed && (names_problem || answer.content.is_empty()) {
                        answer.content.clear();
                        answer
                            .content
                            .insert("application/problem+json".into(), problem_content());
                    }
                }
            }
        }
    }
}

/// What every string Baken reads says of itself: no NUL character (PostgreSQL cannot store one,
/// so the shell answers 400 to it), in a value or in a map's key.
const NO_NUL: &str = "^[^\\x00]*$";

/// The schema of any JSON value without a NUL character, for the members of a body that no
/// schema names.
const JSON_WITHOUT_NUL: &str = "JsonWithoutNul";

fn json_without_nul() -> Option<utoipa::openapi::RefOr<utoipa::openapi::Schema>> {
    let any = format!("#/components/schemas/{JSON_WITHOUT_NUL}");
    serde_json::from_value(serde_json::json!({
        "description": "Elke JSON-waarde zonder NUL-teken",
        "anyOf": [
            {"type": "string", "pattern": NO_NUL},
            {"type": ["number", "boolean", "null"]},
            {"type": "array", "items": {"$ref": any}},
            {"type": "object", "propertyNames": {"type": "string", "pattern": NO_NUL},
             "additionalProperties": {"$ref": any}}
        ]
    }))
    .ok()
}

fn forbid_nul_ref(schema: &mut utoipa::openapi::RefOr<utoipa::openapi::Schema>) {
    if let utoipa::openapi::RefOr::T(schema) = schema {
        forbid_nul(schema);
    }
}

fn forbid_nul(schema: &mut utoipa::openapi::Schema) {
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, ObjectBuilder, SchemaType};
    use utoipa::openapi::{Ref, RefOr, Schema, Type};
    let no_nul_string = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(NO_NUL))
            .build()
    };
    match schema {
        Schema::Object(o) => {
            let string = match &o.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(ts) => ts.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            if string && o.pattern.is_none() && o.format.is_none() && o.enum_values.is_none() {
                o.pattern = Some(NO_NUL.to_string());
            }
            let object = match &o.schema_type {
                SchemaType::Type(t) => *t == Type::Object,
                SchemaType::Array(ts) => ts.contains(&Type::Object),
                SchemaType::AnyValue => false,
            };
            if let Some(names) = &mut o.property_names {
                forbid_nul(names);
            }
            if object {
                if o.property_names.is_none() {
                    o.property_names = Some(Box::new(Schema::Object(no_nul_string())));
                }
                // Members no schema names may hold anything but a NUL.
                if o.additional_properties.is_none() {
                    o.additional_properties = Some(Box::new(AdditionalProperties::RefOr(
                        RefOr::Ref(Ref::from_schema_name(JSON_WITHOUT_NUL)),
                    )));
                }
            }
            o.properties.values_mut().for_each(forbid_nul_ref);
            if let Some(extra) = &mut o.additional_properties {
                if let AdditionalProperties::RefOr(r) = extra.as_mut() {
                    forbid_nul_ref(r);
                }
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                forbid_nul_ref(items);
            }
        }
        Schema::OneOf(x) => x.items.iter_mut().for_each(forbid_nul_ref),
        Schema::AllOf(x) => x.items.iter_mut().for_each(forbid_nul_ref),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(forbid_nul_ref),
        _ => {}
    }
}

/// Serves the API routes and their OpenAPI document at `/api/openapi.json`.
pub fn routes(api: OpenApiRouter<AppState>) -> Router<AppState> {
    let (router, doc) = split(api);
    let json = doc.to_pretty_json().unwrap_or_default();
    router.route(
        "/api/openapi.json",
        axum::routing::get(move || {
            let json = json.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], json) }
        }),
    )
}
