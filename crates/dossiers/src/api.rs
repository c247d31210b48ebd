//! JSON API under `/api/v1/dossiers/…`, with the same access rules as the pages: every case is
//! opened through the covenant decision, entries are filtered by category and audited, and
//! every refusal is a decision in the audit log.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::access::{self, Action, Purpose};
use platform::web::api::{api_user, ApiError, ApiJson, Problem};
use platform::web::{AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{
    Betrokkenen, Convenanten, Dossierlijst, Lezen, Overleggen, Toevoegen, Wijzigen,
};
use crate::store;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(list_items, add_item))
        .routes(routes!(add_subject))
        .routes(routes!(admit))
        .routes(routes!(revoke))
        .routes(routes!(steer))
        .routes(routes!(list_covenants, create_covenant))
        .routes(routes!(new_covenant_version))
        .routes(routes!(add_representative))
        .routes(routes!(remove_representative))
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(get_meeting))
        .routes(routes!(find_subjects))
        .routes(routes!(subject_access, draft_subject_access))
        .routes(routes!(get_request))
        .routes(routes!(release_request))
}

type Uitkomst<T> = Result<T, ApiError>;

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// Case type slug.
    zaaktype: Option<String>,
    /// Phase slug (intake, triage, plan, uitvoering, evaluatie, afschaling, gesloten).
    fase: Option<String>,
    /// 1-based page of 50.
    pagina: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct DossierPage {
    pub items: Vec<store::DossierKop>,
    pub total: i64,
    pub pagina: i64,
}

/// The cases the caller may see: of their team, or shared with their organisation under a
/// covenant that is valid today.
#[utoipa::path(get, path = "/api/v1/dossiers", params(ListQuery), tag = "dossiers",
    responses((status = 200, body = DossierPage), (status = 403, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> Uitkomst<Json<DossierPage>> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Dossierlijst,
        Purpose::Uitvoering,
    )
    .await?;
    let pagina = platform::web::forms::Pager::requested(q.pagina);
    let filter = store::Filter {
        zaaktype: q.zaaktype,
        fase: q.fase,
        review_verlopen: false,
        taak: None,
    };
    let (items, total) = store::list(&state.db, &auth, &filter, pagina).await?;
    Ok(Json(DossierPage {
        items,
        total,
        pagina,
    }))
}

/// Starts a case; the caller's team directs it. The case type's tasks are created with it.
#[utoipa::path(post, path = "/api/v1/dossiers", request_body = store::NieuwDossier, tag = "dossiers",
    responses((status = 201, body = store::DossierDetail), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(n): ApiJson<store::NieuwDossier>,
) -> Uitkomst<Response> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Dossierlijst,
        Purpose::Uitvoering,
    )
    .await?;
    let id = store::create(&state.db, &auth, &n).await?;
    let d = detail(&state, &ctx, &id).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

async fn detail(state: &AppState, ctx: &Ctx, id: &str) -> Uitkomst<store::DossierDetail> {
    let p = api_user(ctx)?;
    let auth = store::open::<Lezen>(&state.db, &ctx.request, p, id).await?;
    Ok(store::detail(&state.db, &auth, state.settings.data_key.as_ref()).await?)
}

/// A case as the caller may see it: a partner gets only the entries of the categories its
/// organisation's grant covers (and the subjects only with basisgegevens), and of the
/// participations the directing team and its own.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 200, body = store::DossierDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Uitkomst<Json<store::DossierDetail>> {
    Ok(Json(detail(&state, &ctx, &id).await?))
}

/// The entries of a case the caller may see (each read is audited).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/items", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 200, body = [store::Item]), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn list_items(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Uitkomst<Json<Vec<store::Item>>> {
    let p = api_user(&ctx)?;
    let auth = store::open::<Lezen>(&state.db, &ctx.request, p, &id).await?;
    Ok(Json(store::items(&state.db, &auth).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// Records an entry (note, task, goal, document, decision, meeting record, contact with the
/// person) in one data category; a partner only in the categories it may provide. A closed case
/// takes none (409); a title is at most 200 and a text at most 20,000 characters (422).
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/items", params(("id" = String, Path)), request_body = store::NieuwItem, tag = "dossiers",
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn add_item(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(n): ApiJson<store::NieuwItem>,
) -> Uitkomst<Response> {
    let p = api_user(&ctx)?;
    let auth = store::open::<Toevoegen>(&state.db, &ctx.request, p, &id).await?;
    let id = store::add_item(&state.db, &auth, &n).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct SubjectAdded {
    pub id: String,
    /// Other active cases holding the same person, address or business: case type and
    /// directing team only.
    pub signalen: Vec<store::Signaal>,
}

/// Adds a person, location, business or group (directing team only). The BSN is checked with
/// the elfproef and encrypted; the overlap check runs on keyed hashes and is audited.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/subjecten", params(("id" = String, Path)), request_body = store::NieuwSubject, tag = "dossiers",
    responses((status = 201, body = SubjectAdded), (status = 422, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn add_subject(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(n): ApiJson<store::NieuwSubject>,
) -> Uitkomst<Response> {
    let p = api_user(&ctx)?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let (id, signalen) =
        store::add_subject(&state.db, &auth, state.settings.data_key.as_ref(), &n).await?;
    Ok((StatusCode::CREATED, Json(SubjectAdded { id, signalen })).into_response())
}

/// Admits a partner organisation on a covenant, for one of the covenant's purposes and within a
/// window (from/until); refused with the reason outside a valid covenant or purpose.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/deelnames", params(("id" = String, Path)), request_body = store::NieuweDeelname, tag = "dossiers",
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn admit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(t): ApiJson<store::NieuweDeelname>,
) -> Uitkomst<Response> {
    let p = api_user(&ctx)?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let id = store::admit(&state.db, &auth, &t).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct Intrekking {
    pub reden: String,
}

/// Revokes a participation: the partner loses access at once.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/deelnames/{deelname}/intrekken", params(("id" = String, Path), ("deelname" = String, Path)), request_body = Intrekking, tag = "dossiers",
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, deelname)): Path<(String, String)>,
    ApiJson(r): ApiJson<Intrekking>,
) -> Uitkomst<StatusCode> {
    let p = api_user(&ctx)?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    store::revoke(&state.db, &auth, &deelname, &r.reden).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SturingIn {
    /// A phase change: `{"fase": "triage", "toelichting": "…"}`.
    Fase {
        fase: String,
        #[serde(default)]
        toelichting: String,
    },
    Sturing(store::Sturing),
}

/// Changes the phase, AVE phase, ZVH referral, involvement of the person, review date or legal
/// hold (directing team only); each change is kept in the case history. A closed case takes
/// only a legal hold (409 otherwise).
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/sturing", params(("id" = String, Path)), request_body = SturingIn, tag = "dossiers",
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn steer(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(s): ApiJson<SturingIn>,
) -> Uitkomst<StatusCode> {
    let p = api_user(&ctx)?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    match s {
        SturingIn::Fase { fase, toelichting } => {
            store::change_fase(&state.db, &auth, &fase, &toelichting).await?
        }
        SturingIn::Sturing(s) => store::stuur(&state.db, &auth, &s).await?,
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The covenants with their purposes, parties and per party the categories it may receive and
/// provide with their legal bases.
#[utoipa::path(get, path = "/api/v1/dossiers/convenanten", tag = "dossiers",
    responses((status = 200, body = [store::Convenant]), (status = 403, body = Problem)))]
async fn list_covenants(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Uitkomst<Json<Vec<store::Convenant>>> {
    let p = api_user(&ctx)?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Convenanten,
        Purpose::Uitvoering,
    )
    .await?;
    Ok(Json(
        store::convenanten(&state.db)
            .await?
            .into_iter()
            .map(|c| c.voor(p))
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct NieuweVersieUit {
    pub versie: i64,
}

/// Changes a covenant's terms (purposes, categories and legal bases per party, whether only
/// named representatives of a party see the cases, whether the parties see each other): they
/// become the covenant's next version. Participations admitted before keep their own version's
/// terms; new ones are admitted under the new version.
#[utoipa::path(post, path = "/api/v1/dossiers/convenanten/{id}/versies", request_body = store::NieuweVersie, tag = "dossiers",
    params(("id" = String, Path, description = "The covenant")),
    responses((status = 201, body = NieuweVersieUit), (status = 422, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn new_covenant_version(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(n): ApiJson<store::NieuweVersie>,
) -> Uitkomst<Response> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let versie = store::nieuwe_versie(&state.db, &auth, &id, &n).await?;
    Ok((StatusCode::CREATED, Json(NieuweVersieUit { versie })).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct VertegenwoordigerUit {
    pub user_id: String,
}

/// Names an account of a party's organisation as one of its representatives under the covenant:
/// where the party's terms limit access to named representatives, only they see the cases.
/// Audited, naming the account.
#[utoipa::path(post, path = "/api/v1/dossiers/convenanten/{id}/vertegenwoordigers", request_body = store::NieuweVertegenwoordiger, tag = "dossiers",
    params(("id" = String, Path, description = "The covenant")),
    responses((status = 201, body = VertegenwoordigerUit), (status = 422, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn add_representative(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(n): ApiJson<store::NieuweVertegenwoordiger>,
) -> Uitkomst<Response> {
    let p = api_user(&ctx)?;
    let gate = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let user_id =
        store::vertegenwoordiger_toevoegen(&state.db, &ctx.request, &gate, &id, &n).await?;
    Ok((StatusCode::CREATED, Json(VertegenwoordigerUit { user_id })).into_response())
}

/// Removes a named representative: from the next request on, that account sees no case where
/// its party's terms name representatives. Audited, naming the account.
#[utoipa::path(delete, path = "/api/v1/dossiers/convenanten/{id}/vertegenwoordigers/{user_id}", tag = "dossiers",
    params(("id" = String, Path, description = "The covenant"), ("user_id" = String, Path, description = "The account")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn remove_representative(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, user_id)): Path<(String, String)>,
) -> Uitkomst<StatusCode> {
    let p = api_user(&ctx)?;
    let gate = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    store::vertegenwoordiger_verwijderen(&state.db, &ctx.request, &gate, &id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a covenant (the municipality's administrators, legal and IV advisers).
#[utoipa::path(post, path = "/api/v1/dossiers/convenanten", request_body = store::NieuwConvenant, tag = "dossiers",
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn create_covenant(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(n): ApiJson<store::NieuwConvenant>,
) -> Uitkomst<Response> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let id = store::create_convenant(&state.db, &auth, &n).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// The case meetings the caller's organisation takes part in (case workers only).
#[utoipa::path(get, path = "/api/v1/dossiers/overleggen", tag = "dossiers",
    responses((status = 200, body = [store::Overleg]), (status = 403, body = Problem)))]
async fn list_meetings(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Uitkomst<Json<Vec<store::Overleg>>> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Overleggen,
        Purpose::Uitvoering,
    )
    .await?;
    Ok(Json(store::overleggen(&state.db, &auth).await?))
}

/// Plans a meeting with participating organisations and an agenda of cases the caller directs.
#[utoipa::path(post, path = "/api/v1/dossiers/overleggen", request_body = store::NieuwOverleg, tag = "dossiers",
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn create_meeting(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(n): ApiJson<store::NieuwOverleg>,
) -> Uitkomst<Response> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Overleggen,
        Purpose::Uitvoering,
    )
    .await?;
    let id = store::create_overleg(&state.db, &ctx.request, &auth, &n).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// A meeting: participants and the agenda's cases that the caller may open (others are not
/// named). For case workers of a participating organisation; the read is audited. The
/// discussion of each case is read through that case (`/api/v1/dossiers/{id}/items`), so it
/// follows the case's access rules.
#[utoipa::path(get, path = "/api/v1/dossiers/overleggen/{id}", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 200, body = store::Overleg), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_meeting(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Uitkomst<Json<store::Overleg>> {
    let p = api_user(&ctx)?;
    let auth = store::open_overleg(&state.db, &ctx.request, p, &id, Action::Read).await?;
    Ok(Json(store::overleg(&state.db, &auth).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct ZoekQuery {
    /// At least two letters of the name.
    q: String,
}

#[derive(Serialize, ToSchema)]
pub struct Betrokkene {
    pub id: String,
    pub soort: String,
    pub naam: String,
}

/// Subjects by name, for a subject access request: the fg finds those of the municipality's
/// cases, a procesregisseur those of the cases their team directs; others are refused.
#[utoipa::path(get, path = "/api/v1/dossiers/subjecten", params(ZoekQuery), tag = "dossiers",
    responses((status = 200, body = [Betrokkene]), (status = 403, body = Problem)))]
async fn find_subjects(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ZoekQuery>,
) -> Uitkomst<Json<Vec<Betrokkene>>> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Betrokkenen,
        Purpose::Uitvoering,
    )
    .await?;
    Ok(Json(
        store::find_subjects(&state.db, &auth, &q.q)
            .await?
            .into_iter()
            .map(|(id, soort, naam)| Betrokkene { id, soort, naam })
            .collect(),
    ))
}

/// The subject access export (AVG art. 15) as released: everything the case files the caller
/// may answer for hold on the person — per case the purposes, recipients, retention and
/// sources, the entries (without those about other members of a group) — and who accessed it.
/// For the municipality's fg and the directing team's procesregisseur only; 409 while no
/// export has been drafted and released by a second person.
#[utoipa::path(get, path = "/api/v1/dossiers/subjecten/{id}/inzage", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 200, body = store::Verzoek), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn subject_access(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Uitkomst<Json<store::Verzoek>> {
    let p = api_user(&ctx)?;
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Export).await?;
    let Some(verzoek) = store::laatste_vrijgegeven(&state.db, &auth).await? else {
        return Err(ApiError::Conflict(crate::t(
            &ctx.lang,
            "dossiers-api-geen-vrijgegeven",
        )));
    };
    let (auth, _) =
        store::open_verzoek(&state.db, &ctx.request, p, &verzoek, Action::Export).await?;
    Ok(Json(
        store::verzoek_export(&state.db, &auth, &verzoek, state.settings.data_key.as_ref()).await?,
    ))
}

/// Drafts a subject access export as a concept; a second person reviews and releases it.
#[utoipa::path(post, path = "/api/v1/dossiers/subjecten/{id}/inzage", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 201, body = store::Verzoek), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn draft_subject_access(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Uitkomst<Response> {
    let p = api_user(&ctx)?;
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Create).await?;
    let verzoek =
        store::inzage_opstellen(&state.db, &auth, state.settings.data_key.as_ref()).await?;
    let (auth, v) = store::open_verzoek(&state.db, &ctx.request, p, &verzoek, Action::Read).await?;
    drop(auth);
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// A subject access request: its status and, once released, its content.
#[utoipa::path(get, path = "/api/v1/dossiers/inzageverzoeken/{id}", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 200, body = store::Verzoek), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_request(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Uitkomst<Json<store::Verzoek>> {
    let p = api_user(&ctx)?;
    let (auth, v) = store::open_verzoek(&state.db, &ctx.request, p, &id, Action::Read).await?;
    if v.status == store::VRIJGEGEVEN {
        return Ok(Json(
            store::verzoek_export(&state.db, &auth, &id, state.settings.data_key.as_ref()).await?,
        ));
    }
    Ok(Json(v))
}

/// Releases a drafted export: by a second person (409 for the one who drafted it, or when it
/// is released already).
#[utoipa::path(post, path = "/api/v1/dossiers/inzageverzoeken/{id}/vrijgeven", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn release_request(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Uitkomst<StatusCode> {
    let p = api_user(&ctx)?;
    let (auth, _) = store::open_verzoek(&state.db, &ctx.request, p, &id, Action::Update).await?;
    store::verzoek_vrijgeven(&state.db, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
