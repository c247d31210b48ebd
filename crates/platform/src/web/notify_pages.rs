//! The notifications page (/berichten): the person's own notifications, opening one (marks it
//! read and follows its link), all read at once, and the choice per kind for the app and mail.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Extension, Router};

use super::forms::{FieldKind, Form, FormField};
use super::pages::fmt_time;
use super::{render, require_user, AppState, Ctx, Shell, WebResult};
use crate::notify::{self, Kind, Setting};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/berichten", get(list_page))
        .route("/berichten/gelezen", post(read_all))
        .route("/berichten/instellingen", post(save_settings))
        .route("/berichten/{id}", get(open))
}

struct Row {
    id: String,
    title: String,
    kind: String,
    at: String,
    read: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct ListPage {
    shell: Shell,
    items: Vec<Row>,
    unread: i64,
    settings: Form,
    saved: bool,
}

fn settings_form(ctx: &Ctx, settings: &[Setting]) -> Form {
    let options = |on: fn(&Setting) -> bool| {
        settings
            .iter()
            .map(|s| (s.kind.slug().to_string(), ctx.t(&s.kind.label_key()), on(s)))
            .collect()
    };
    Form::new(
        "/berichten/instellingen",
        ctx.t("notify-settings-save"),
        vec![
            FormField::new(
                "in_app",
                ctx.t("notify-in-app"),
                FieldKind::Checkboxes(options(|s| s.in_app)),
            ),
            FormField::new(
                "mail",
                ctx.t("notify-mail"),
                FieldKind::Checkboxes(options(|s| s.mail)),
            )
            .hint(ctx.t("notify-mail-hint")),
        ],
    )
}

async fn list_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<Vec<(String, String)>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let items = notify::list(&state.db, &p.user_id, 50).await?;
    let settings = notify::settings(&state.db, &p.user_id).await?;
    render(&ListPage {
        shell: Shell::new(&ctx, "notify-title"),
        unread: items.iter().filter(|n| !n.read).count() as i64,
        items: items
            .into_iter()
            .map(|n| Row {
                kind: Kind::from_slug(&n.kind)
                    .map(|k| ctx.t(&k.label_key()))
                    .unwrap_or(n.kind),
                at: fmt_time(n.created_at, false),
                id: n.id,
                title: n.title,
                read: n.read,
            })
            .collect(),
        settings: settings_form(&ctx, &settings),
        saved: q.iter().any(|(k, v)| k == "opgeslagen" && v == "1"),
    })
}

async fn open(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    match notify::open(&state.db, &p.user_id, &id).await? {
        // Only paths inside Baken are stored; anything else goes to the list.
        Some(href) if href.starts_with('/') && !href.starts_with("//") => {
            Ok(Redirect::to(&href).into_response())
        }
        _ => Err(super::WebError::NotFound),
    }
}

async fn read_all(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    notify::read_all(&state.db, &p.user_id).await?;
    Ok(Redirect::to("/berichten").into_response())
}

async fn save_settings(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(v): axum::Form<Vec<(String, String)>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let on = |field: &str, kind: Kind| v.iter().any(|(k, val)| k == field && val == kind.slug());
    let choices: Vec<Setting> = Kind::ALL
        .into_iter()
        .map(|kind| Setting {
            kind,
            in_app: on("in_app", kind),
            mail: on("mail", kind),
        })
        .collect();
    notify::set_settings(&state.db, &p.user_id, &choices).await?;
    Ok(Redirect::to("/berichten?opgeslagen=1").into_response())
}
