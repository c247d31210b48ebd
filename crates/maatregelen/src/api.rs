//! JSON API: `/api/v1/maatregelen` (list, create, detail with steps and deadlines, record a step)
//! and `/api/v1/termijnen` (the deadline calculus).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::access::{self, Action, Principal, Purpose};
use platform::identity::field_error;
use platform::web::api::{api_user, ApiError, ApiJson, Problem};
use platform::web::{AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{Maatregel, Maatregelen};
use crate::input::{MaatregelStapIn, NieuweMaatregel};
use crate::model;
use crate::store::{self, Detail};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(add_step))
        .routes(routes!(termijn))
}

#[derive(Serialize, ToSchema)]
pub struct MaatregelSamenvatting {
    pub id: String,
    /// The human reference, e.g. `MR-2026-0042`: unique, numbered per year of registration.
    pub kenmerk: String,
    /// Type slug, e.g. `sluiting-13b`.
    pub soort: String,
    pub soort_naam: String,
    pub grondslag: String,
    pub onderwerp: String,
    pub locatie: String,
    pub ladder: Option<String>,
    /// The policy version the measure was decided under.
    pub ladder_versie: Option<i64>,
    pub beleid: Option<String>,
    /// The ladder's proposal with its reason.
    pub voorstel: Option<String>,
    pub voorstel_soort: Option<String>,
    pub afwijking_reden: Option<String>,
    pub duur: Option<String>,
    /// The id of the team that handles the measure and gets its reminders.
    pub team: Option<String>,
    /// By policy a warning, not a besluit: no bezwaar.
    pub waarschuwing: bool,
    /// The BAG verblijfsobject id of the address, when recorded.
    pub bag: Option<String>,
    /// The operator's KvK number or establishment number, when recorded.
    pub exploitant: Option<String>,
    /// The offence's quantity with its unit, e.g. `0,6 gram`.
    pub hoeveelheid: Option<String>,
}

impl From<&store::Maatregel> for MaatregelSamenvatting {
    fn from(m: &store::Maatregel) -> Self {
        let duur = m.duur_tekst();
        MaatregelSamenvatting {
            id: m.id.clone(),
            kenmerk: m.kenmerk.clone(),
            soort: m.soort.slug().into(),
            soort_naam: m.soort.naam().into(),
            grondslag: m.soort.grondslag().into(),
            onderwerp: m.onderwerp.clone(),
            locatie: m.locatie.clone(),
            ladder: m.ladder.map(|l| l.slug().to_string()),
            ladder_versie: m.ladder_versie,
            beleid: m.beleid.clone(),
            voorstel: m.voorstel.clone(),
            voorstel_soort: m.voorstel_soort.clone(),
            afwijking_reden: m.afwijking_reden.clone(),
            duur: (!duur.is_empty()).then_some(duur),
            team: m.team_id.clone(),
            waarschuwing: m.waarschuwing,
            bag: m.locatie_bag.clone(),
            exploitant: m.exploitant.clone(),
            hoeveelheid: m.hoeveelheid.as_ref().map(|(q, e)| {
                format!("{} {e}", model::hoeveelheid_tekst(*q))
                    .trim()
                    .to_string()
            }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MaatregelStap {
    pub soort: String,
    pub naam: String,
    pub datum: String,
    pub toelichting: String,
    pub bron: Option<String>,
    pub referentie: Option<String>,
    /// Aanleiding from a melding: the melding's id (`/api/v1/meldingen/{id}`).
    pub melding: Option<String>,
    pub ontvangen: Option<bool>,
    pub dagen: Option<u32>,
    pub tot: Option<String>,
    pub bedrag_cent: Option<i64>,
    pub maximum_cent: Option<i64>,
    pub noodzaak: Option<String>,
    pub evenredigheid: Option<String>,
    pub subsidiariteit: Option<String>,
    /// Spoed: the reason of the urgent path.
    pub reden: Option<String>,
    /// Bezwaar: handled by an advisory committee (art. 7:13 Awb).
    pub adviescommissie: Option<bool>,
    /// Verdaging: weeks.
    pub weken: Option<u32>,
    /// Dwangsom: `last` or `invordering`.
    pub tegen: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MaatregelMijlpaal {
    pub datum: String,
    pub wat: String,
    /// The termijnen rule, for a computed deadline.
    pub regel: Option<String>,
    /// The Dutch explanation.
    pub uitleg: String,
    /// A deadline (not a recorded step).
    pub termijn: bool,
    /// For a deadline: the step that answers it has been recorded.
    pub afgehandeld: bool,
    /// A deadline for a decision of the mayor.
    pub burgemeester: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MaatregelBrief {
    pub id: String,
    /// voornemen, besluit or verlenging.
    pub soort: String,
    pub titel: String,
    pub datum: String,
    /// The HTML page of the letter; add `/pdf` for the tagged PDF.
    pub href: String,
    /// Finalised by a legal adviser: text and date frozen, the PDF kept.
    pub definitief: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MaatregelDetail {
    pub maatregel: MaatregelSamenvatting,
    /// Decided on the urgent path (art. 4:11 and 5:31 Awb): its reason.
    pub spoed: Option<String>,
    pub stappen: Vec<MaatregelStap>,
    /// Recorded steps and deadlines, by date.
    pub tijdlijn: Vec<MaatregelMijlpaal>,
    /// The steps this type knows, in their usual order.
    pub mogelijke_stappen: Vec<String>,
    /// The letters drafted for this measure.
    pub brieven: Vec<MaatregelBrief>,
}

pub(crate) fn mijlpaal_out(m: &model::Mijlpaal) -> MaatregelMijlpaal {
    MaatregelMijlpaal {
        datum: m.datum.to_string(),
        wat: m.wat.clone(),
        regel: m.regel.map(str::to_string),
        uitleg: m.uitleg.clone(),
        termijn: m.termijn,
        afgehandeld: m.afgehandeld,
        burgemeester: m.burgemeester,
    }
}

fn detail_out(d: &Detail, kal: &termijnen::Calendar) -> MaatregelDetail {
    MaatregelDetail {
        maatregel: (&d.maatregel).into(),
        spoed: model::spoed(&d.stappen).and_then(|s| s.reden.clone()),
        stappen: d
            .stappen
            .iter()
            .map(|s| MaatregelStap {
                soort: s.soort.slug().into(),
                naam: s.soort.naam().into(),
                datum: s.datum.to_string(),
                toelichting: s.toelichting.clone(),
                bron: s.bron.clone(),
                referentie: s.referentie.clone(),
                melding: s.melding_id.clone(),
                ontvangen: s.ontvangen,
                dagen: s.dagen,
                tot: s.tot.map(|d| d.to_string()),
                bedrag_cent: s.bedrag_cent,
                maximum_cent: s.maximum_cent,
                noodzaak: s.noodzaak.clone(),
                evenredigheid: s.evenredigheid.clone(),
                subsidiariteit: s.subsidiariteit.clone(),
                reden: s.reden.clone(),
                adviescommissie: s.adviescommissie,
                weken: s.weken,
                tegen: s.tegen.map(|t| t.slug().to_string()),
            })
            .collect(),
        tijdlijn: model::tijdlijn(d.maatregel.zaak(), &d.stappen, kal)
            .iter()
            .map(mijlpaal_out)
            .collect(),
        mogelijke_stappen: d
            .maatregel
            .zaak()
            .stappen()
            .iter()
            .map(|s| s.slug().to_string())
            .collect(),
        brieven: d
            .brieven
            .iter()
            .map(|b| MaatregelBrief {
                id: b.id.clone(),
                soort: b.brief.slug().into(),
                titel: b.titel.clone(),
                datum: b.datum.to_string(),
                href: format!("/maatregelen/{}/brieven/{}", d.maatregel.id, b.id),
                definitief: b.definitief_at.is_some(),
            })
            .collect(),
    }
}

#[derive(Deserialize, IntoParams)]
struct ListQuery {
    /// Part of the subject's name or the address.
    q: Option<String>,
}

/// The measures of the caller's organisation (the list is audited).
#[utoipa::path(get, path = "/api/v1/maatregelen", tag = "maatregelen", security(("bearer" = [])), params(ListQuery), responses(
    (status = 200, body = [MaatregelSamenvatting]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<MaatregelSamenvatting>>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Maatregelen {
            organisation_id: p.organisation_id.clone(),
        },
        Purpose::Uitvoering,
    )
    .await?;
    let items = store::list(&state.db, &auth, q.q.as_deref().unwrap_or("")).await?;
    Ok(Json(
        items.iter().map(MaatregelSamenvatting::from).collect(),
    ))
}

pub(crate) async fn authorize_one<A: access::ActionType>(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    id: &str,
) -> Result<access::Authorized<Maatregel, A>, ApiError> {
    store::authorize_measure(&state.db, &ctx.request, p, id)
        .await
        .map_err(ApiError::from)
}

/// Creates a measure with its aanleiding; with a ladder, Baken proposes the type and duration
/// from the history at the address, and a deviation needs `afwijking_reden`.
#[utoipa::path(post, path = "/api/v1/maatregelen", tag = "maatregelen", security(("bearer" = [])), request_body = NieuweMaatregel, responses(
    (status = 201, body = MaatregelDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(input): ApiJson<NieuweMaatregel>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let auth = store::authorize_new(&state.db, &ctx.request, p).await?;
    let nieuw = input.parse().map_err(ApiError::Invalid)?;
    let kal = store::kalender(&state.db).await?;
    let id = store::create(&state.db, &auth, &nieuw, &p.user_id, &kal).await?;
    let read = authorize_one::<access::act::Read>(&state, &ctx, p, &id).await?;
    let d = store::get(&state.db, &read).await?;
    Ok((StatusCode::CREATED, Json(detail_out(&d, &kal))).into_response())
}

/// One measure with its steps and its timeline of past and coming dates (the read is audited).
#[utoipa::path(get, path = "/api/v1/maatregelen/{id}", tag = "maatregelen", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = MaatregelDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<MaatregelDetail>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = authorize_one::<access::act::Read>(&state, &ctx, p, &id).await?;
    let d = store::get(&state.db, &auth).await?;
    let kal = store::kalender(&state.db).await?;
    Ok(Json(detail_out(&d, &kal)))
}

/// Records a step; a step out of order is refused with 422 and the Dutch reason (field `stap`).
#[utoipa::path(post, path = "/api/v1/maatregelen/{id}/stappen", tag = "maatregelen", security(("bearer" = [])), params(("id" = String, Path)), request_body = MaatregelStapIn, responses(
    (status = 201, body = MaatregelDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn add_step(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MaatregelStapIn>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let auth = authorize_one::<access::act::Update>(&state, &ctx, p, &id).await?;
    let stap = input.parse().map_err(ApiError::Invalid)?;
    let kal = store::kalender(&state.db).await?;
    let d = store::add_step(&state.db, &auth, &stap, &p.user_id, &kal).await?;
    Ok((StatusCode::CREATED, Json(detail_out(&d, &kal))).into_response())
}

#[derive(Deserialize, IntoParams)]
struct TermijnQuery {
    /// Rule slug, e.g. `bezwaar`, `zienswijze`, `huisverbod-einde`, `dwangsom-verjaring`.
    regel: Option<String>,
    /// `YYYY-MM-DD` (or `DD-MM-YYYY`).
    datum: Option<String>,
    /// `true` for beslistermijn-bezwaar with an advisory committee (12 weeks).
    adviescommissie: Option<String>,
    /// Zienswijze: term in days.
    dagen: Option<String>,
    /// Beslistermijn-bezwaar: postponement in weeks (at most 6).
    verdaging: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Termijnberekening {
    pub regel: String,
    /// The last day of the term (or the end date of the measure), `YYYY-MM-DD`.
    pub datum: String,
    /// The explanation in Dutch.
    pub uitleg: String,
    pub grondslag: String,
    pub atw_van_toepassing: bool,
}

/// Computes a statutory deadline with its Dutch explanation (as `baken termijn`).
///
/// The calendar includes the days designated by royal decree (art. 3 lid 3 Atw) kept on
/// /maatregelen/gelijkgestelde-dagen; the explanation names the decree when one moves the date.
#[utoipa::path(get, path = "/api/v1/termijnen", tag = "maatregelen", security(("bearer" = [])), params(TermijnQuery), responses(
    (status = 200, body = Termijnberekening),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn termijn(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<TermijnQuery>,
) -> Result<Json<Termijnberekening>, ApiError> {
    api_user(&ctx)?;
    let mut errors = Vec::new();
    let regel: Option<termijnen::Regel> = match q.regel.as_deref().map(str::parse) {
        Some(Ok(r)) => Some(r),
        Some(Err(e)) => {
            errors.push(field_error("regel", &e.to_string()));
            None
        }
        None => {
            errors.push(field_error("regel", "ontbreekt"));
            None
        }
    };
    let datum = match q.datum.as_deref().map(termijnen::parse_datum) {
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            errors.push(field_error("datum", &e.to_string()));
            None
        }
        None => {
            errors.push(field_error("datum", "ontbreekt"));
            None
        }
    };
    let mut opties = termijnen::Opties::default();
    match q.adviescommissie.as_deref().map(str::trim) {
        None | Some("") | Some("false") | Some("0") => {}
        Some("true") | Some("1") => opties.adviescommissie = true,
        Some(_) => errors.push(field_error("adviescommissie", "verwacht true of false")),
    }
    for (field, v, slot) in [
        ("dagen", &q.dagen, &mut opties.dagen),
        ("verdaging", &q.verdaging, &mut opties.verdaging_weken),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            match v.trim().parse::<u32>() {
                Ok(n) => *slot = Some(n),
                Err(_) => errors.push(field_error(field, "verwacht een geheel getal")),
            }
        }
    }
    let (Some(regel), Some(datum), true) = (regel, datum, errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let kal = store::kalender(&state.db).await?;
    let t = termijnen::bereken_met(&kal, regel, datum, &opties).map_err(|e| {
        let field = match &e {
            termijnen::TermijnError::OptieNietVanToepassing { optie, .. } => {
                optie.trim_start_matches("--")
            }
            termijnen::TermijnError::VerdagingTeLang { .. } => "verdaging",
            termijnen::TermijnError::OngeldigAantalDagen { .. } => "dagen",
            _ => "datum",
        };
        ApiError::Invalid(vec![field_error(field, &e.to_string())])
    })?;
    Ok(Json(Termijnberekening {
        regel: t.regel.slug().into(),
        datum: t.datum.to_string(),
        uitleg: t.uitleg,
        grondslag: t.grondslag,
        atw_van_toepassing: t.atw_van_toepassing,
    }))
}
