//! Integral inspections: rounds planned for one place or a risk-based selection from the
//! register, single or with partners; checklists per kind of place, versioned; findings per
//! checklist item; a 13b measure started from a finding, linked both ways. Store functions here
//! touch only this module's tables and run under a capability on the register.

use std::collections::{HashMap, HashSet};

use platform::access::{act, Authorized, Principal, RequestContext};
use platform::db::{new_id, now_ms, Db, Tx};
use sqlx::Row;

use crate::access::Register;
use crate::model::{self, Soort};
use crate::store::{Result, StoreError};

/// A new round as entered.
#[derive(Clone, Debug)]
pub struct NieuweRonde {
    pub naam: String,
    /// 'YYYY-MM-DD'.
    pub datum: String,
    /// The checklist kind when all places are of one kind; None: each place its own kind's.
    pub soort: Option<Soort>,
    pub partners: Vec<String>,
    pub wie: String,
}

#[derive(Clone, Debug)]
pub struct Ronde {
    pub id: String,
    pub naam: String,
    pub datum: String,
    pub soort: String,
    pub partners: Vec<String>,
    pub wie: String,
    pub controles: i64,
    pub uitgevoerd: i64,
}

#[derive(Clone, Debug)]
pub struct ControleRij {
    pub id: String,
    pub locatie_id: String,
    pub naam: String,
    pub status: String,
    pub afwijkingen: i64,
}

#[derive(Clone, Debug)]
pub struct Bevinding {
    pub id: String,
    pub positie: i64,
    pub item: String,
    pub oordeel: String,
    pub toelichting: String,
}

#[derive(Clone, Debug)]
pub struct Controle {
    pub id: String,
    pub ronde: Ronde,
    pub locatie_id: String,
    pub locatie_naam: String,
    pub status: String,
    pub uitgevoerd_op: Option<String>,
    pub checklist_versie: Option<i64>,
    pub items: Vec<String>,
    pub bevindingen: Vec<Bevinding>,
    /// Records made from this inspection elsewhere (label, href), e.g. a measure.
    pub vervolg: Vec<(String, String)>,
}

/// A checklist version.
#[derive(Clone, Debug)]
pub struct Checklist {
    pub id: String,
    pub soort: String,
    pub versie: i64,
    pub items: Vec<String>,
    pub created_by: String,
    pub created_at: i64,
}

fn checklist_row(r: &sqlx::any::AnyRow) -> Result<Checklist> {
    let items: String = r.try_get("items")?;
    Ok(Checklist {
        id: r.try_get("id")?,
        soort: r.try_get("soort")?,
        versie: r.try_get("versie")?,
        items: items
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Every checklist version, by kind and newest first.
pub async fn checklists(db: &Db) -> Result<Vec<Checklist>> {
    sqlx::query("SELECT * FROM ondermijning_checklist ORDER BY soort, versie DESC")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(checklist_row)
        .collect()
}

/// Saves a new version of a kind's checklist (items one per line). Audited.
pub async fn checklist_opslaan(
    db: &Db,
    auth: &Authorized<Register, act::Update>,
    soort: Soort,
    items: &[String],
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let v: i64 = sqlx::query(
        "SELECT COALESCE(MAX(versie), 0) AS v FROM ondermijning_checklist WHERE soort = $1",
    )
    .bind(soort.slug())
    .fetch_one(tx.conn()?)
    .await?
    .try_get("v")?;
    sqlx::query(
        "INSERT INTO ondermijning_checklist (id, soort, versie, items, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(soort.slug())
    .bind(v + 1)
    .bind(items.join("\n"))
    .bind(&auth.principal().name)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(v + 1)
}

/// The places of an organisation inspected (or planned) this calendar year.
pub async fn dit_jaar(db: &Db, organisation_id: &str) -> Result<HashSet<String>> {
    let year_start = format!("{}-01-01", platform::db::today_nl().year());
    sqlx::query(
        "SELECT DISTINCT c.locatie_id FROM ondermijning_controle c JOIN ondermijning_ronde r ON r.id = c.ronde_id \
         WHERE r.organisation_id = $1 AND r.datum >= $2",
    )
    .bind(organisation_id)
    .bind(year_start)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok(r.try_get("locatie_id")?))
    .collect()
}

/// Plans a round with an inspection per place (each with the current checklist of the round's
/// kind, or else of the place's kind); returns its id. Audited.
pub async fn ronde_maken(
    db: &Db,
    auth: &Authorized<Register, act::Create>,
    r: &NieuweRonde,
    locaties: &[String],
) -> Result<String> {
    let org = &auth.resource().organisation_id;
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO ondermijning_ronde (id, organisation_id, naam, datum, soort, integraal, partners, wie, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(org)
    .bind(&r.naam)
    .bind(&r.datum)
    .bind(r.soort.map(Soort::slug).unwrap_or(""))
    .bind(i64::from(!r.partners.is_empty()))
    .bind(r.partners.join(","))
    .bind(&r.wie)
    .bind(&auth.principal().name)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    for l in locaties {
        let row = sqlx::query(
            "SELECT soort FROM ondermijning_locatie WHERE id = $1 AND organisation_id = $2",
        )
        .bind(l)
        .bind(org)
        .fetch_optional(tx.conn()?)
        .await?
        .ok_or(StoreError::NotFound)?;
        let eigen: String = row.try_get("soort")?;
        let soort = r.soort.map(|s| s.slug().to_string()).unwrap_or(eigen);
        let checklist: Option<String> = sqlx::query(
            "SELECT id FROM ondermijning_checklist WHERE soort = $1 ORDER BY versie DESC LIMIT 1",
        )
        .bind(&soort)
        .fetch_optional(tx.conn()?)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
        sqlx::query(
            "INSERT INTO ondermijning_controle (id, ronde_id, locatie_id, checklist_id, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'gepland', $5, $5)",
        )
        .bind(new_id())
        .bind(&id)
        .bind(l)
        .bind(checklist)
        .bind(now)
        .execute(tx.conn()?)
        .await?;
    }
    auth.record_created(&mut tx, "ondermijning-ronde", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

fn ronde_row(r: &sqlx::any::AnyRow) -> Result<Ronde> {
    let partners: String = r.try_get("partners")?;
    Ok(Ronde {
        id: r.try_get("id")?,
        naam: r.try_get("naam")?,
        datum: r.try_get("datum")?,
        soort: r.try_get("soort")?,
        partners: partners
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        wie: r.try_get("wie")?,
        controles: r.try_get("n")?,
        uitgevoerd: r.try_get("klaar")?,
    })
}

const RONDE_SQL: &str = "SELECT r.*, \
    (SELECT COUNT(*) FROM ondermijning_controle c WHERE c.ronde_id = r.id) AS n, \
    (SELECT COUNT(*) FROM ondermijning_controle c WHERE c.ronde_id = r.id AND c.status = 'uitgevoerd') AS klaar \
    FROM ondermijning_ronde r";

/// The rounds of the organisation, newest date first. The list read is audited.
pub async fn rondes(db: &Db, auth: &Authorized<Register, act::List>) -> Result<Vec<Ronde>> {
    let out = sqlx::query(&format!(
        "{RONDE_SQL} WHERE r.organisation_id = $1 ORDER BY r.datum DESC, r.id DESC LIMIT 500"
    ))
    .bind(&auth.resource().organisation_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(ronde_row)
    .collect::<Result<Vec<_>>>()?;
    auth.record_grouped(db).await?;
    Ok(out)
}

/// One round with its inspections. Audited as a read of the register.
pub async fn ronde(
    db: &Db,
    auth: &Authorized<Register, act::List>,
    id: &str,
) -> Result<(Ronde, Vec<ControleRij>)> {
    let mut tx = db.begin().await?;
    let r = sqlx::query(&format!(
        "{RONDE_SQL} WHERE r.id = $1 AND r.organisation_id = $2"
    ))
    .bind(id)
    .bind(&auth.resource().organisation_id)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let ronde = ronde_row(&r)?;
    let rows = sqlx::query(
        "SELECT c.id, c.locatie_id, l.naam, c.status, \
         (SELECT COUNT(*) FROM ondermijning_bevinding b WHERE b.controle_id = c.id AND b.oordeel = 'afwijking') AS afwijkingen \
         FROM ondermijning_controle c JOIN ondermijning_locatie l ON l.id = c.locatie_id \
         WHERE c.ronde_id = $1 ORDER BY l.naam, c.id",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(ControleRij {
            id: r.try_get("id")?,
            locatie_id: r.try_get("locatie_id")?,
            naam: r.try_get("naam")?,
            status: r.try_get("status")?,
            afwijkingen: r.try_get("afwijkingen")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok((ronde, rows))
}

async fn load_controle(tx: &mut Tx, organisation_id: &str, id: &str) -> Result<Controle> {
    let c = sqlx::query(
        "SELECT c.*, l.naam AS locatie_naam, l.organisation_id FROM ondermijning_controle c \
         JOIN ondermijning_locatie l ON l.id = c.locatie_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let org: String = c.try_get("organisation_id")?;
    if org != organisation_id {
        return Err(StoreError::NotFound);
    }
    let ronde_id: String = c.try_get("ronde_id")?;
    let r = sqlx::query(&format!("{RONDE_SQL} WHERE r.id = $1"))
        .bind(&ronde_id)
        .fetch_one(tx.conn()?)
        .await?;
    let checklist_id: Option<String> = c.try_get("checklist_id")?;
    let checklist = match &checklist_id {
        Some(cid) => sqlx::query("SELECT * FROM ondermijning_checklist WHERE id = $1")
            .bind(cid)
            .fetch_optional(tx.conn()?)
            .await?
            .map(|r| checklist_row(&r))
            .transpose()?,
        None => None,
    };
    let bevindingen = sqlx::query(
        "SELECT id, positie, item, oordeel, toelichting FROM ondermijning_bevinding WHERE controle_id = $1 ORDER BY positie",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(Bevinding {
            id: r.try_get("id")?,
            positie: r.try_get("positie")?,
            item: r.try_get("item")?,
            oordeel: r.try_get("oordeel")?,
            toelichting: r.try_get("toelichting")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let vervolg = platform::links::to(tx, "ondermijning-controle", id)
        .await?
        .into_iter()
        .map(|l| (l.label, l.href))
        .collect();
    Ok(Controle {
        id: id.to_string(),
        ronde: ronde_row(&r)?,
        locatie_id: c.try_get("locatie_id")?,
        locatie_naam: c.try_get("locatie_naam")?,
        status: c.try_get("status")?,
        uitgevoerd_op: c.try_get("uitgevoerd_op")?,
        checklist_versie: checklist.as_ref().map(|c| c.versie),
        items: checklist.map(|c| c.items).unwrap_or_default(),
        bevindingen,
        vervolg,
    })
}

/// One inspection with its checklist and findings; the read is audited.
pub async fn controle(
    db: &Db,
    auth: &Authorized<Register, act::List>,
    id: &str,
) -> Result<Controle> {
    let mut tx = db.begin().await?;
    let c = load_controle(&mut tx, &auth.resource().organisation_id, id).await?;
    auth.record_each(&mut tx, "ondermijning-controle", &[id.to_string()], None)
        .await?;
    tx.commit().await?;
    Ok(c)
}

/// Records the findings of an inspection (replacing earlier ones) and marks it done. Audited.
pub async fn vastleggen(
    db: &Db,
    auth: &Authorized<Register, act::Update>,
    id: &str,
    datum: &str,
    bevindingen: &[(String, String, String)],
) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    load_controle(&mut tx, &auth.resource().organisation_id, id).await?;
    sqlx::query("DELETE FROM ondermijning_bevinding WHERE controle_id = $1")
        .bind(id)
        .execute(tx.conn()?)
        .await?;
    for (i, (item, oordeel, toelichting)) in bevindingen.iter().enumerate() {
        sqlx::query(
            "INSERT INTO ondermijning_bevinding (id, controle_id, positie, item, oordeel, toelichting, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(id)
        .bind(i as i64)
        .bind(item)
        .bind(oordeel)
        .bind(toelichting)
        .bind(now)
        .execute(tx.conn()?)
        .await?;
    }
    sqlx::query(
        "UPDATE ondermijning_controle SET status = 'uitgevoerd', uitgevoerd_op = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(datum)
    .bind(now)
    .bind(id)
    .execute(tx.conn()?)
    .await?;
    auth.record_each(&mut tx, "ondermijning-controle", &[id.to_string()], None)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Starts a 13b closure (Opiumwet) from a finding: a measure in the maatregelen module with the
/// finding as its aanleiding (source: inspection), at the place's address, BAG id and operator,
/// decided by that module's access rules; the measure links to the inspection, whose page lists
/// it. Returns the measure's id.
pub async fn maatregel_uit_bevinding(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    register: &Authorized<Register, act::Update>,
    controle_id: &str,
    bevinding_id: &str,
) -> Result<String> {
    let mut tx = db.begin().await?;
    let c = load_controle(&mut tx, &register.resource().organisation_id, controle_id).await?;
    tx.commit().await?;
    let b = c
        .bevindingen
        .iter()
        .find(|b| b.id == bevinding_id && b.oordeel == "afwijking")
        .ok_or(StoreError::NotFound)?;
    let loc = sqlx::query("SELECT * FROM ondermijning_locatie WHERE id = $1")
        .bind(&c.locatie_id)
        .fetch_one(db.pool())
        .await?;
    let l = crate::store::locatie_from_row(&loc)?;
    let datum: jiff::civil::Date = c
        .uitgevoerd_op
        .as_deref()
        .unwrap_or(&c.ronde.datum)
        .parse()
        .map_err(|_| StoreError::Other("inspection date".into()))?;
    let mut aanleiding =
        maatregelen::model::Stap::new(maatregelen::model::StapSoort::Aanleiding, datum);
    aanleiding.bron = Some("inspectie".into());
    aanleiding.referentie = Some(format!("/ondermijning/controles/{controle_id}"));
    aanleiding.toelichting = format!(
        "Controle {} ({}): {} — {}",
        c.ronde.naam, datum, b.item, b.toelichting
    );
    let nieuw = maatregelen::store::Nieuw {
        soort: Some(maatregelen::model::Soort::Sluiting13b),
        onderwerp: l.exploitant_naam.clone().unwrap_or_else(|| l.naam.clone()),
        locatie: l.adres(),
        aanleiding,
        ladder: None,
        object: String::new(),
        middel: String::new(),
        hoeveelheid: None,
        hoeveelheid_eenheid: String::new(),
        bag: l.bag_id.clone(),
        exploitant: l.exploitant_kvk.clone(),
        duur: None,
        afwijking_reden: String::new(),
        team_id: None,
        spoed: None,
    };
    let auth = maatregelen::store::authorize_new(db, request, p)
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?;
    let kal = maatregelen::kalender(db)
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?;
    let mid = maatregelen::store::create(db, &auth, &nieuw, &p.name, &kal)
        .await
        .map_err(|e| match e {
            maatregelen::store::StoreError::Access(a) => StoreError::Access(a),
            other => StoreError::Other(other.to_string()),
        })?;
    let mut tx = db.begin().await?;
    platform::links::add(
        &mut tx,
        &platform::links::Link {
            from_kind: "maatregel".into(),
            from_id: mid.clone(),
            to_kind: "ondermijning-controle".into(),
            to_id: controle_id.to_string(),
            label: "Maatregel (sluiting 13b Opiumwet)".into(),
            href: format!("/maatregelen/{mid}"),
        },
    )
    .await?;
    register
        .record_each(
            &mut tx,
            "ondermijning-controle",
            &[controle_id.to_string()],
            None,
        )
        .await?;
    tx.commit().await?;
    Ok(mid)
}

/// The findings of a form: per checklist item its judgement and note; an unknown judgement is
/// an error on that item's field.
pub fn bevindingen_uit(
    items: &[String],
    v: &HashMap<String, String>,
) -> std::result::Result<Vec<(String, String, String)>, Vec<platform::identity::FieldError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let oordeel = v
            .get(&format!("oordeel-{i}"))
            .map(|s| s.trim())
            .unwrap_or("");
        let toelichting = v
            .get(&format!("toelichting-{i}"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if !model::OORDELEN.contains(&oordeel) {
            errors.push(platform::identity::field_error(
                &format!("oordeel-{i}"),
                "ondermijning-fout-oordeel",
            ));
        } else if oordeel == "afwijking" && toelichting.is_empty() {
            errors.push(platform::identity::field_error(
                &format!("toelichting-{i}"),
                "ondermijning-fout-afwijking",
            ));
        }
        out.push((item.clone(), oordeel.to_string(), toelichting));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn findings_need_a_judgement_and_a_deviation_a_note() {
        let items = vec!["Vergunning".to_string(), "Brandveiligheid".to_string()];
        let mut v = HashMap::new();
        v.insert("oordeel-0".to_string(), "in-orde".to_string());
        v.insert("oordeel-1".to_string(), "afwijking".to_string());
        let e = bevindingen_uit(&items, &v).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "toelichting-1");
        v.insert(
            "toelichting-1".to_string(),
            "Nooduitgang geblokkeerd".to_string(),
        );
        let f = bevindingen_uit(&items, &v).unwrap();
        assert_eq!(f[1].1, "afwijking");
        v.insert("oordeel-0".to_string(), "misschien".to_string());
        assert_eq!(
            bevindingen_uit(&items, &v).unwrap_err()[0].field,
            "oordeel-0"
        );
    }
}
