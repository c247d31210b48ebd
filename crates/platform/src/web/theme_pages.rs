//! The theme's pages: its style sheet and logo for every page, and the administrator's form.

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};

use super::forms::{FieldKind, Form, FormField, FormPage};
use super::{require_user, AppState, Ctx, Shell, WebError, WebResult};
use crate::access::{self, act, Purpose};
use crate::theme::{self, InstallationTheme, Theme, ThemeError, ThemeInput};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/thema.css", get(style_sheet))
        .route("/thema/logo", get(logo))
        .route("/beheer/thema", get(form_page).post(submit))
}

/// The tokens of the installation's colours (addressed with its version, so it may be cached).
async fn style_sheet(State(state): State<AppState>) -> WebResult {
    let theme = theme::current(&state.db).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        theme.css(),
    )
        .into_response())
}

/// The logo, under a policy that runs and fetches nothing, even when opened on its own.
async fn logo(State(state): State<AppState>) -> WebResult {
    let Some((bytes, kind)) = theme::logo(&state.db).await? else {
        return Err(WebError::NotFound);
    };
    let mut r = (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_string(),
            ),
        ],
        bytes,
    )
        .into_response();
    r.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    Ok(r)
}

fn form(ctx: &Ctx, v: &ThemeInput, theme: &Theme) -> Form {
    let mut fields = vec![
        FormField::new("naam", ctx.t("theme-field-name"), FieldKind::Text)
            .value(v.name.clone())
            .hint(ctx.t("theme-field-name-hint")),
        FormField::new("hoofdkleur", ctx.t("theme-field-brand"), FieldKind::Text)
            .value(v.brand.clone())
            .hint(ctx.t("theme-field-brand-hint")),
        FormField::new("accentkleur", ctx.t("theme-field-accent"), FieldKind::Text)
            .value(v.accent.clone())
            .hint(ctx.t("theme-field-accent-hint")),
        FormField::new("logo", ctx.t("theme-field-logo"), FieldKind::File)
            .accept_many(".png,.svg,image/png,image/svg+xml")
            .hint(ctx.t("theme-field-logo-hint")),
    ];
    if theme.logo_type.is_some() {
        fields.push(FormField::new(
            "logo-verwijderen",
            ctx.t("theme-field-remove-logo"),
            FieldKind::Checkboxes(vec![(
                "1".into(),
                ctx.t("theme-field-remove-logo-option"),
                v.remove_logo,
            )]),
        ));
    }
    Form::new("/beheer/thema", ctx.t("save"), fields)
}

fn page(ctx: &Ctx, form: Form, saved: bool) -> FormPage {
    let intro = if saved {
        format!("{} {}", ctx.t("theme-saved"), ctx.t("theme-intro"))
    } else {
        ctx.t("theme-intro")
    };
    FormPage::new(Shell::new(ctx, "theme-title"), intro, form).link("/", ctx.t("back-home"))
}

async fn administrator(
    state: &AppState,
    ctx: &Ctx,
) -> Result<access::Authorized<InstallationTheme, act::Update>, WebError> {
    let p = require_user(ctx)?;
    Ok(access::authorize_as::<act::Update, _>(
        &state.db,
        &ctx.request,
        p,
        InstallationTheme,
        Purpose::Beheer,
    )
    .await?)
}

async fn form_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> WebResult {
    administrator(&state, &ctx).await?;
    let t = theme::current(&state.db).await?;
    let v = ThemeInput {
        name: t.name.clone().unwrap_or_default(),
        brand: t.brand.clone().unwrap_or_default(),
        accent: t.accent.clone().unwrap_or_default(),
        ..Default::default()
    };
    page(&ctx, form(&ctx, &v, &t), q.contains_key("opgeslagen")).respond(StatusCode::OK)
}

/// Reads the multipart form; a broken upload is the sender's mistake (400).
async fn read(req: Request, state: &AppState) -> Result<ThemeInput, WebError> {
    let mut mp = Multipart::from_request(req, state)
        .await
        .map_err(|_| WebError::BadRequest)?;
    let mut v = ThemeInput::default();
    while let Some(field) = mp.next_field().await.map_err(|_| WebError::BadRequest)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "logo" {
            let data = field.bytes().await.map_err(|_| WebError::BadRequest)?;
            if !data.is_empty() {
                v.logo = Some(data.to_vec());
            }
            continue;
        }
        let text = field.text().await.map_err(|_| WebError::BadRequest)?;
        match name.as_str() {
            "naam" => v.name = text,
            "hoofdkleur" => v.brand = text,
            "accentkleur" => v.accent = text,
            "logo-verwijderen" => v.remove_logo = text == "1",
            _ => {}
        }
    }
    Ok(v)
}

async fn submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    req: Request,
) -> Result<Response, WebError> {
    let auth = administrator(&state, &ctx).await?;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(WebError::BadRequest);
    }
    let input = read(req, &state).await?;
    match theme::save(&state.db, &auth, &input).await {
        Ok(_) => Ok(Redirect::to("/beheer/thema?opgeslagen=1").into_response()),
        Err(ThemeError::Invalid(errors)) => {
            let t = theme::current(&state.db).await?;
            page(
                &ctx,
                form(&ctx, &input, &t).with_errors(&ctx.lang, &errors),
                false,
            )
            .respond(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e.into()),
    }
}
