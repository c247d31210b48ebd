//! JSON API under `/api/v1/bibob`: the screenings the caller may see, a new screening, one
//! screening with its suspension and timeline, and recording a step. The same access rules and
//! checks as the pages; every read audited.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::access::act;
use platform::web::api::{api_user, ApiError, ApiJson, Problem};
use platform::web::{AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::coordinator;
use crate::input::{self, Stap};
use crate::model::{self, Soort};
use crate::store::{self, Detail, StoreError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(step))
}

fn store_api(e: StoreError) -> ApiError {
    match e {
        StoreError::Invalid(errors) => ApiError::Invalid(errors),
        StoreError::NotFound => ApiError::NotFound,
        StoreError::Access(e) => e.into(),
        StoreError::Db(d) => d.into(),
        other => ApiError::Internal(other.to_string()),
    }
}

/// Fields of a form, by name (the same names and formats as the pages: dates `YYYY-MM-DD`,
/// choices by slug, deciders as comma-separated account ids).
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
pub struct BibobVelden(pub HashMap<String, String>);

#[derive(Serialize, ToSchema)]
pub struct BibobScreeningSamenvatting {
    pub id: String,
    /// E.g. `BIBOB-2026-0001`.
    pub kenmerk: String,
    /// `alcoholvergunning`, `exploitatievergunning`, `omgevingsvergunning`,
    /// `opiumwet-ontheffing`, `subsidie`, `vastgoedtransactie`, `overheidsopdracht`.
    pub soort: Option<String>,
    pub bedrijf: String,
    pub kvk: String,
    /// `beleid` (the policy always screens the kind) or `signaal`.
    pub aanleiding: String,
    /// The stage, e.g. `bibob-fase-lbb`.
    pub fase: String,
}

fn samenvatting(r: &store::Rij) -> BibobScreeningSamenvatting {
    let d = Detail {
        rij: r.clone(),
        bronnen: Vec::new(),
        vragen: Vec::new(),
        beslissers: Vec::new(),
    };
    BibobScreeningSamenvatting {
        id: r.id.clone(),
        kenmerk: r.kenmerk.clone(),
        soort: r.soort.map(|s| s.slug().to_string()),
        bedrijf: r.bedrijf.clone(),
        kvk: r.kvk.clone(),
        aanleiding: r.aanleiding.clone(),
        fase: model::fase(&d.data()).to_string(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct BibobMoment {
    pub datum: String,
    pub wat: String,
    /// A deadline still to come rather than an event.
    pub termijn: bool,
    pub toelichting: String,
}

#[derive(Serialize, ToSchema)]
pub struct BibobOpschorting {
    pub vanaf: String,
    /// The end of the LBB term (8 weeks, 12 when extended) with the Algemene termijnenwet.
    pub adviestermijn: String,
    /// The latest end, moved by answered extra questions; absent while a question is open.
    pub uiterlijk: Option<String>,
    pub einde: Option<String>,
    pub dagen: i64,
    pub vraagdagen: i64,
    /// The decision deadline moved by the suspension (provisional while `einde` is absent).
    pub beslistermijn: Option<String>,
    pub uitleg: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BibobScreeningDetail {
    /// Always `Vertrouwelijk (art. 28 Wet Bibob)`.
    pub vertrouwelijk: String,
    #[serde(flatten)]
    pub samenvatting: BibobScreeningSamenvatting,
    pub aanvraag: String,
    pub aanvraag_op: Option<String>,
    pub beslistermijn: Option<String>,
    pub plaats_id: Option<String>,
    pub vragen_verzonden: Option<String>,
    pub vragen_ontvangen: Option<String>,
    pub bronnen: Vec<BibobBron>,
    pub lbb_gevraagd: Option<String>,
    pub betrokkene_geinformeerd: Option<String>,
    pub lbb_verlengd: bool,
    pub vragen: Vec<BibobVraag>,
    pub opschorting: Option<BibobOpschorting>,
    pub advies_op: Option<String>,
    /// `ernstig-a`, `ernstig-b`, `ernstig-ab`, `mindere-mate`, `geen`.
    pub advies_niveau: Option<String>,
    pub advies_samenvatting: Option<String>,
    pub voornemen_op: Option<String>,
    pub zienswijze_op: Option<String>,
    /// `weigeren`, `intrekken`, `verlenen-onder-voorwaarden`, `verlenen`.
    pub besluit: Option<String>,
    pub besluit_op: Option<String>,
    pub evenredigheid: Option<String>,
    pub voorschriften: Option<String>,
    /// The account ids of the named deciders.
    pub beslissers: Vec<String>,
    /// The day after which the screening is destroyed (5 years after the decision).
    pub vernietigen_na: Option<String>,
    pub tijdlijn: Vec<BibobMoment>,
}

#[derive(Serialize, ToSchema)]
pub struct BibobBron {
    pub bron: Option<String>,
    pub geraadpleegd_op: Option<String>,
    pub bevindingen: String,
}

#[derive(Serialize, ToSchema)]
pub struct BibobVraag {
    pub id: String,
    pub onderwerp: String,
    pub gesteld_op: Option<String>,
    pub beantwoord_op: Option<String>,
}

fn s(d: Option<jiff::civil::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn detail(d: &Detail) -> BibobScreeningDetail {
    let r = &d.rij;
    let vandaag = platform::db::today_nl();
    let o = d.opschorting(vandaag).and_then(Result::ok);
    let tijdlijn = model::tijdlijn(&d.data(), o.as_ref())
        .into_iter()
        .map(|m| BibobMoment {
            datum: m.datum.to_string(),
            wat: m.wat.to_string(),
            termijn: m.termijn,
            toelichting: m.toelichting,
        })
        .collect();
    BibobScreeningDetail {
        vertrouwelijk: model::VERTROUWELIJK.into(),
        samenvatting: samenvatting(r),
        aanvraag: r.aanvraag.clone(),
        aanvraag_op: s(r.aanvraag_op),
        beslistermijn: s(r.beslistermijn),
        plaats_id: r.plaats_id.clone(),
        vragen_verzonden: s(r.vragen_verzonden),
        vragen_ontvangen: s(r.vragen_ontvangen),
        bronnen: d
            .bronnen
            .iter()
            .map(|b| BibobBron {
                bron: b.bron.map(|x| x.slug().to_string()),
                geraadpleegd_op: s(b.geraadpleegd_op),
                bevindingen: b.bevindingen.clone(),
            })
            .collect(),
        lbb_gevraagd: s(r.lbb_gevraagd),
        betrokkene_geinformeerd: s(r.geinformeerd),
        lbb_verlengd: r.lbb_verlengd,
        vragen: d
            .vragen
            .iter()
            .map(|v| BibobVraag {
                id: v.id.clone(),
                onderwerp: v.onderwerp.clone(),
                gesteld_op: s(v.gesteld_op),
                beantwoord_op: s(v.beantwoord_op),
            })
            .collect(),
        opschorting: o.map(|o| BibobOpschorting {
            vanaf: o.vanaf.to_string(),
            adviestermijn: o.adviestermijn.to_string(),
            uiterlijk: s(o.uiterlijk),
            einde: s(o.einde),
            dagen: o.dagen,
            vraagdagen: o.vraagdagen,
            beslistermijn: s(o.beslistermijn),
            uitleg: o.uitleg,
        }),
        advies_op: s(r.advies_op),
        advies_niveau: r.advies_niveau.map(|n| n.slug().to_string()),
        advies_samenvatting: r.advies_samenvatting.clone(),
        voornemen_op: s(r.voornemen_op),
        zienswijze_op: s(r.zienswijze_op),
        besluit: r.besluit.map(|b| b.slug().to_string()),
        besluit_op: s(r.besluit_op),
        evenredigheid: r.evenredigheid.clone(),
        voorschriften: r.voorschriften.clone(),
        beslissers: d.beslissers.iter().map(|b| b.id.clone()).collect(),
        vernietigen_na: s(r.besluit_op.and_then(model::vernietigen_na)),
        tijdlijn,
    }
}

/// The screenings the caller may see: all of the municipality's for the Bibob coordinator, the
/// ones naming them for a decider; refused (and audited) for everyone else.
#[utoipa::path(get, path = "/api/v1/bibob/screenings", tag = "bibob", security(("bearer" = [])), responses(
    (status = 200, body = [BibobScreeningSamenvatting]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<BibobScreeningSamenvatting>>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = store::authorize_list(&state.db, &ctx.request, p)
        .await
        .map_err(store_api)?;
    let rows = store::list(&state.db, &auth).await.map_err(store_api)?;
    Ok(Json(rows.iter().map(samenvatting).collect()))
}

/// Starts a screening (Bibob coordinator). Fields as on the page: `soort`, `aanvraag`,
/// `aanvraag_op`, `beslistermijn`, `bedrijf`, `kvk` (8 digits), `plaats_id`, `signaal_bron`
/// (needed when the policy screens the kind only on a signal), `signaal`.
#[utoipa::path(post, path = "/api/v1/bibob/screenings", tag = "bibob", security(("bearer" = [])), request_body = BibobVelden, responses(
    (status = 201, body = BibobScreeningDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(BibobVelden(v)): ApiJson<BibobVelden>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let auth = store::authorize_new(&state.db, &ctx.request, p)
        .await
        .map_err(store_api)?;
    let beleid = store::toets_voor_alle(&state.db, &p.organisation_id)
        .await
        .map_err(store_api)?;
    let toets = |s: Soort| {
        beleid
            .iter()
            .find(|r| r.soort == s)
            .map(|r| r.toets)
            .unwrap_or(s.standaard_toets())
    };
    let n = input::nieuw(&p.lang, &v, toets).map_err(ApiError::Invalid)?;
    let id = store::create(&state.db, &auth, &n, toets(n.soort))
        .await
        .map_err(store_api)?;
    let read = store::authorize_screening::<act::Read>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_api)?;
    let d = store::get(&state.db, &read).await.map_err(store_api)?;
    Ok((StatusCode::CREATED, Json(detail(&d))).into_response())
}

/// One screening with its suspension and timeline (the read is audited).
#[utoipa::path(get, path = "/api/v1/bibob/screenings/{id}", tag = "bibob", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = BibobScreeningDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<BibobScreeningDetail>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = store::authorize_screening::<act::Read>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_api)?;
    let d = store::get(&state.db, &auth).await.map_err(store_api)?;
    Ok(Json(detail(&d)))
}

/// Records a step: `vragenformulier`, `bron`, `lbb`, `vraag`, `antwoord`, `advies`,
/// `voornemen`, `besluit` or `beslissers`, with the fields of its page. A named decider records
/// only `voornemen` and `besluit`.
#[utoipa::path(post, path = "/api/v1/bibob/screenings/{id}/stappen/{stap}", tag = "bibob", security(("bearer" = [])), params(("id" = String, Path), ("stap" = String, Path)), request_body = BibobVelden, responses(
    (status = 200, body = BibobScreeningDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn step(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, stap)): Path<(String, String)>,
    ApiJson(BibobVelden(v)): ApiJson<BibobVelden>,
) -> Result<Json<BibobScreeningDetail>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = store::authorize_screening::<act::Update>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_api)?;
    let stap = Stap::from_slug(&stap).ok_or(ApiError::NotFound)?;
    if !(coordinator(p) || stap.voor_beslisser()) {
        return Err(ApiError::Forbidden);
    }
    let d = store::get(&state.db, &auth).await.map_err(store_api)?;
    if !stap.mogelijk(&d) {
        return Err(ApiError::Invalid(vec![platform::identity::FieldError {
            field: "stap".into(),
            message: crate::t(&p.lang, "bibob-fout-stap-nog-niet"),
        }]));
    }
    let w = input::wijziging(&p.lang, stap, &v, &d).map_err(ApiError::Invalid)?;
    store::wijzig(&state.db, &auth, &w)
        .await
        .map_err(store_api)?;
    let read = store::authorize_screening::<act::Read>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_api)?;
    let d = store::get(&state.db, &read).await.map_err(store_api)?;
    Ok(Json(detail(&d)))
}
