//! Uploads that never leak and input that never breaks: photos are encoded anew without their
//! metadata or refused (form and API), disguised documents are refused, NUL characters and
//! huge page numbers are the client's mistake (never a 5xx, on PostgreSQL too), and mail goes
//! out over TLS with the certificate checked.

use super::*;

/// A small real JPEG (a gradient, `w` × `h`) with an EXIF segment holding the orientation, a
/// GPS IFD and the text of a position and camera serial, plus an XMP packet and a comment.
pub(super) fn jpeg_with_gps(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let jpeg = encoded(w, h, image::ImageFormat::Jpeg);
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend(2u16.to_be_bytes());
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend(orientation.to_be_bytes());
    tiff.extend([0, 0]);
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    tiff.extend(38u32.to_be_bytes());
    tiff.extend(0u32.to_be_bytes());
    tiff.extend(1u16.to_be_bytes());
    tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend(0u32.to_be_bytes());
    tiff.extend(b"GPS 51.9851 5.0984 serial CAM-12345");
    let segment = |marker: u8, body: &[u8]| {
        [
            &[0xFF, marker][..],
            &((body.len() + 2) as u16).to_be_bytes(),
            body,
        ]
        .concat()
    };
    let exif = segment(0xE1, &[&b"Exif\x00\x00"[..], &tiff].concat());
    let xmp = segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>51,59N</exif:GPSLatitude></x:xmpmeta>",
    );
    let com = segment(0xFE, b"Voorstraat 1, Vianen");
    [&jpeg[..2], &exif, &xmp, &com, &jpeg[2..]].concat()
}

fn encoded(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 90])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), format)
        .unwrap();
    out
}

/// A PNG chunk with its CRC.
fn png_chunk(kind: &[u8], body: &[u8]) -> Vec<u8> {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in kind.iter().chain(body) {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    [
        &(body.len() as u32).to_be_bytes()[..],
        kind,
        body,
        &(!crc).to_be_bytes(),
    ]
    .concat()
}

fn has(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A ZIP archive with one empty file, as appended to make a polyglot.
fn zip() -> Vec<u8> {
    let name = b"x.txt";
    let mut z = Vec::new();
    z.extend(b"PK\x03\x04\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    z.extend([0u8; 12]);
    z.extend((name.len() as u16).to_le_bytes());
    z.extend([0, 0]);
    z.extend(name);
    let central = z.len() as u32;
    z.extend(b"PK\x01\x02\x14\x00\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    z.extend([0u8; 12]);
    z.extend((name.len() as u16).to_le_bytes());
    z.extend([0u8; 12]);
    z.extend(0u32.to_le_bytes());
    z.extend(name);
    let size = z.len() as u32 - central;
    z.extend(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    z.extend(size.to_le_bytes());
    z.extend(central.to_le_bytes());
    z.extend([0, 0]);
    z
}

async fn n(app: &App, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

async fn stored_photos(app: &App) -> Vec<Vec<u8>> {
    sqlx::query("SELECT data FROM files ORDER BY created_at, id")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<Vec<u8>, _>("data").unwrap())
        .collect()
}

fn assert_no_metadata(photo: &[u8]) {
    for secret in [
        &b"Exif"[..],
        b"GPS",
        b"CAM-12345",
        b"xmpmeta",
        b"Voorstraat",
        b"tEXt",
        b"Jan de Vries",
    ] {
        assert!(
            !has(photo, secret),
            "stored photo keeps {}",
            String::from_utf8_lossy(secret)
        );
    }
}

const FORM: &str = "/melden/woonoverlast";

fn form_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("omschrijving", "Harde muziek tot diep in de nacht."),
        ("locatie", "onbekend"),
        ("contact", "anoniem"),
    ]
}

/// The crafted photos that must be refused, with the Dutch message next to the field.
fn bad_photos() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let jpeg = jpeg_with_gps(32, 32, 1);
    let ihdr = [
        &12_000u32.to_be_bytes()[..],
        &12_000u32.to_be_bytes(),
        &[8, 2, 0, 0, 0],
    ]
    .concat();
    let bomb = [
        &b"\x89PNG\r\n\x1a\n"[..],
        &png_chunk(b"IHDR", &ihdr),
        &png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
        &png_chunk(b"IEND", b""),
    ]
    .concat();
    vec![
        (
            "afgebroken JPEG",
            jpeg[..jpeg.len() / 2].to_vec(),
            "Deze foto kunnen we niet lezen",
        ),
        (
            "JPEG zonder eindmarkering",
            jpeg[..jpeg.len() - 2].to_vec(),
            "Deze foto kunnen we niet lezen",
        ),
        (
            "rommel achter een JPEG-kop",
            b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00rommel rommel rommel rommel".to_vec(),
            "Deze foto kunnen we niet lezen",
        ),
        (
            "HEIC",
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec(),
            "Alleen foto",
        ),
        (
            "WebP",
            b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00".to_vec(),
            "Alleen foto",
        ),
        (
            "JPEG met een ZIP erachter",
            [&jpeg[..], &zip()].concat(),
            "niet alleen een foto",
        ),
        (
            "JPEG met een PDF-kop",
            [&jpeg[..2], b"\xFF\xFE\x00\x0a%PDF-1.7", &jpeg[2..]].concat(),
            "niet alleen een foto",
        ),
        ("PNG-bom van 144 megapixel", bomb, "te veel pixels"),
    ]
}

#[tokio::test]
async fn photos_are_encoded_anew_without_metadata_or_refused_with_the_report_kept() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    b.get(FORM).await;
    // A portrait photo from a phone: EXIF with GPS and orientation 6, XMP, a comment.
    let sent = jpeg_with_gps(32, 16, 6);
    assert!(has(&sent, b"GPS 51.9851"));
    let page = super::meldingen::post_multipart(
        &mut b,
        FORM,
        &form_fields(),
        &[("foto", "IMG_0001.jpg", &sent)],
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let photos = stored_photos(&app).await;
    assert_eq!(photos.len(), 1);
    assert_no_metadata(&photos[0]);
    let img = image::load_from_memory(&photos[0]).unwrap();
    assert_eq!(
        (img.width(), img.height()),
        (16, 32),
        "turned upright by its orientation"
    );
    assert_eq!(n(&app, "SELECT COUNT(*) FROM melding").await, 1);

    // Each crafted photo is refused next to the field, the report is kept in the form, and
    // nothing is stored.
    for (what, data, message) in bad_photos() {
        let page = super::meldingen::post_multipart(
            &mut b,
            FORM,
            &form_fields(),
            &[("foto", "foto.jpg", &data)],
        )
        .await;
        assert_eq!(page.status, 422, "{what}");
        assert!(page.body.contains(message), "{what}: {}", page.body);
        assert!(
            page.body.contains("Harde muziek tot diep in de nacht."),
            "{what}: the report is kept"
        );
        assert!(
            page.body.contains("href=\"#veld-foto\""),
            "{what}: in the summary"
        );
    }
    assert_eq!(n(&app, "SELECT COUNT(*) FROM melding").await, 1);
    assert_eq!(n(&app, "SELECT COUNT(*) FROM files").await, 1);

    // The stored photo is served as what it is, never to be sniffed as something else.
    let id: String = sqlx::query("SELECT id FROM melding")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("id");
    let file: String = sqlx::query("SELECT file_id FROM melding_foto")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("file_id");
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let (status, headers, body) = iv.get_bytes(&format!("/meldingen/{id}/foto/{file}")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(body, photos[0]);
}

#[tokio::test]
async fn the_api_encodes_photos_anew_drops_what_follows_them_and_refuses_bad_ones() {
    use base64::Engine;
    let app = spawn_app().await;
    let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let body = |fotos: Vec<Vec<u8>>| {
        let fotos: Vec<serde_json::Value> = fotos
            .iter()
            .map(|f| serde_json::json!({ "data": b64(f) }))
            .collect();
        serde_json::json!({"categorie": "overig", "omschrijving": "Gedumpt afval achter de sporthal.",
            "locatie": {"adres": "Voorstraat 1, 4132 AP Vianen"}, "anoniem": true, "fotos": fotos})
    };
    let post = |v: serde_json::Value| {
        reqwest::Client::new()
            .post(format!("{}/api/v1/public/meldingen", app.base))
            .json(&v)
            .send()
    };
    // A JPEG with a second image (with GPS) appended, JPEG fill bytes before its markers, and
    // a PNG with text and EXIF chunks.
    let first = encoded(20, 10, image::ImageFormat::Jpeg);
    let appended = [&first[..], &jpeg_with_gps(64, 64, 1)].concat();
    let gps = jpeg_with_gps(24, 24, 1);
    let com = gps.windows(2).position(|w| w == [0xFF, 0xFE]).unwrap();
    let filled = [&gps[..com], &[0xFF; 9][..], &gps[com..]].concat();
    let png = encoded(12, 6, image::ImageFormat::Png);
    let png_meta = [
        &png[..33],
        &png_chunk(b"tEXt", b"Author\x00Jan de Vries"),
        &png_chunk(b"eXIf", b"MM\x00\x2a\x00\x00\x00\x08GPS 51.9851"),
        &png[33..],
    ]
    .concat();
    let r = post(body(vec![appended, filled, png_meta])).await.unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let photos = stored_photos(&app).await;
    assert_eq!(photos.len(), 3);
    for p in &photos {
        assert_no_metadata(p);
    }
    let dims = |d: &[u8]| {
        let i = image::load_from_memory(d).unwrap();
        (i.width(), i.height())
    };
    assert_eq!(dims(&photos[0]), (20, 10), "the first image only");
    assert!(photos[0].ends_with(&[0xFF, 0xD9]) && photos[0].len() < 2000);
    assert_eq!(dims(&photos[1]), (24, 24));
    assert!(photos[2].starts_with(b"\x89PNG"), "PNG stays PNG");
    assert_eq!(dims(&photos[2]), (12, 6));

    // Every crafted photo: 422 problem+json naming the field, nothing stored.
    for (what, data, _) in bad_photos() {
        let r = post(body(vec![encoded(8, 8, image::ImageFormat::Jpeg), data]))
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{what}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{what}"
        );
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["errors"][0]["field"], "foto", "{what}: {v}");
    }
    assert_eq!(n(&app, "SELECT COUNT(*) FROM melding").await, 1);
    assert_eq!(n(&app, "SELECT COUNT(*) FROM files").await, 3);
}

#[tokio::test]
async fn disguised_and_polyglot_documents_are_refused_and_stored_with_their_sniffed_type() {
    use platform::files::{store, FileError, FileRejection, DOCUMENTS};
    let app = spawn_app().await;
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let jpeg = encoded(8, 8, image::ImageFormat::Jpeg);
    let png = encoded(8, 8, image::ImageFormat::Png);
    let mut tx = app.db.begin().await.unwrap();
    for (what, data) in [
        (
            "PDF with HTML",
            [&pdf[..9], b"<html><script>alert(1)</script>", &pdf[9..]].concat(),
        ),
        (
            "JPEG that is also a PDF",
            [&jpeg[..2], b"\xFF\xFE\x00\x0a%PDF-1.7", &jpeg[2..]].concat(),
        ),
        ("PNG with a ZIP appended", [&png[..], &zip()].concat()),
        ("PDF with a ZIP appended", [&pdf[..], &zip()].concat()),
        (
            "SVG named .png",
            b"\x89PNG\r\n\x1a\n<svg onload=alert(1)>".to_vec(),
        ),
    ] {
        let r = store(&mut tx, &DOCUMENTS, "brief.pdf", &data, None).await;
        assert!(
            matches!(r, Err(FileError::Rejected(FileRejection::Disguised))),
            "{what}: {r:?}"
        );
    }
    for (what, data) in [
        (
            "HTML named .pdf",
            b"<!doctype html><script>x</script>".to_vec(),
        ),
        ("ZIP named .pdf", zip()),
    ] {
        let r = store(&mut tx, &DOCUMENTS, "brief.pdf", &data, None).await;
        assert!(
            matches!(r, Err(FileError::Rejected(FileRejection::TypeNotAllowed))),
            "{what}: {r:?}"
        );
    }
    // A real PDF named .html is stored as a PDF, under a name that says so.
    let f = store(&mut tx, &DOCUMENTS, "rapport.html", pdf, None)
        .await
        .unwrap();
    assert_eq!(
        (f.content_type.as_str(), f.file_name.as_str()),
        ("application/pdf", "rapport.pdf")
    );
    let f = store(&mut tx, &DOCUMENTS, "foto.jpeg", &jpeg, None)
        .await
        .unwrap();
    assert_eq!(
        (f.content_type.as_str(), f.file_name.as_str()),
        ("image/jpeg", "foto.jpeg")
    );
    let f = store(&mut tx, &DOCUMENTS, "scan.pdf", &png, None)
        .await
        .unwrap();
    assert_eq!(
        (f.content_type.as_str(), f.file_name.as_str()),
        ("image/png", "scan.png")
    );
    tx.commit().await.unwrap();
    let headers = platform::files::download_headers(&f, false);
    assert_eq!(headers[0].1, "image/png");
    assert_eq!(headers[1].1, "attachment; filename=\"scan.png\"");
    assert_eq!(headers[2].1, "nosniff");
}

/// Sends a request with a raw (already percent-encoded) path and query.
async fn raw_get(app: &App, b: Option<&Browser>, path: &str, token: Option<&str>) -> StatusCode {
    let mut r = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(b) = b {
        r = r.header(COOKIE, b.cookie_header());
    }
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap().status()
}

#[tokio::test]
async fn nul_characters_and_huge_page_numbers_are_the_clients_mistake_never_a_server_error() {
    let app = spawn_app().await;
    let mut admin = app
        .browser_as("beheer@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let mut regie = app
        .browser_as(
            "regie@example.nl",
            "vijfheerenlanden",
            Role::Procesregisseur,
        )
        .await;
    let admin_token = cli_token(&app, "beheer@example.nl");
    let iv_token = cli_token(&app, "iv@example.nl");
    let regie_token = cli_token(&app, "regie@example.nl");

    // Pages and API lists with query parameters: a NUL in any of them is a 400, for the API
    // as problem+json.
    for (who, path) in [
        (0, "/gebruikers?q=a%00b"),
        (0, "/audit?wie=%00"),
        (0, "/audit?actie=read&pagina=1%00"),
        (1, "/meldingen?q=%00"),
        (1, "/meldingen?status=gemeld%00&categorie=x"),
        (1, "/meldingen?wijk=%00"),
        (2, "/dossiers?zaaktype=%00"),
        (0, "/melden/volg?volgcode=%00"),
        (0, "/melden/volg/AAAA%00-BBBB"),
        (1, "/meldingen/%00"),
    ] {
        let b = match who {
            0 => &mut admin,
            1 => &mut iv,
            _ => &mut regie,
        };
        let page = b.get(path).await;
        assert_eq!(page.status, 400, "{path}");
        assert!(page.body.contains("NUL-teken"), "{path}: {}", page.body);
    }
    for (token, path) in [
        (&admin_token, "/api/v1/users?q=%00"),
        (&admin_token, "/api/v1/users/%00"),
        (&admin_token, "/api/v1/audit-events?who=%00"),
        (&iv_token, "/api/v1/meldingen?q=%00"),
        (&iv_token, "/api/v1/meldingen?status=%00"),
        (&iv_token, "/api/v1/meldingen/%00"),
        (&regie_token, "/api/v1/dossiers?zaaktype=%00"),
        (&regie_token, "/api/v1/dossiers/%00"),
        (&admin_token, "/api/v1/public/meldingen/%00"),
    ] {
        let r = api_get(&app, path, Some(&format!("Bearer {token}"))).await;
        assert_eq!(r.status(), 400, "{path}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
    }

    // Forms: the public report (urlencoded and multipart), the login, a staff form.
    let mut public = Browser::new(&app);
    public.get(FORM).await;
    let page = public
        .post(
            FORM,
            &[
                ("omschrijving", "Muziek\0 in de nacht"),
                ("locatie", "onbekend"),
                ("contact", "anoniem"),
            ],
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("NUL-teken"));
    let page = super::meldingen::post_multipart(
        &mut public,
        FORM,
        &[
            ("omschrijving", "Muziek\0 in de nacht"),
            ("locatie", "onbekend"),
            ("contact", "anoniem"),
        ],
        &[],
    )
    .await;
    assert_eq!(page.status, 400);
    let mut login = Browser::new(&app);
    login.get("/inloggen").await;
    for (email, password) in [
        ("beheer@example.nl\0", PASSWORD),
        ("beheer@example.nl", "x\0"),
    ] {
        let page = login
            .post("/inloggen", &[("email", email), ("password", password)])
            .await;
        assert_eq!(page.status, 400, "{email:?}");
    }
    // A CSV to import is text: a NUL in it is refused like one in a field.
    let page = super::meldingen::post_multipart(
        &mut admin,
        "/monitor/import",
        &[("tabel", "")],
        &[("bestand", "cijfers.csv", b"wijk;waarde\nWK196121\x00;3\n")],
    )
    .await;
    assert_eq!(page.status, 400);
    admin.get("/account").await;
    let page = admin.post("/account/taal", &[("lang", "nl\0")]).await;
    assert_eq!(page.status, 400);
    // JSON bodies: the public API and a staff API.
    let nul_json = serde_json::json!({"categorie": "overig", "omschrijving": "Afval\u{0}achter de hal",
        "locatie": {"adres": "Voorstraat 1\u{0}"}, "anoniem": true});
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/public/meldingen", app.base))
        .json(&nul_json)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/organisations", app.base))
        .bearer_auth(&admin_token)
        .json(&serde_json::json!({"slug": "x\u{0}", "name": "X", "kind": "partner"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // "\\u0000" is a backslash and text, no NUL: an ordinary validation answer.
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/organisations", app.base))
        .bearer_auth(&admin_token)
        .header("content-type", "application/json")
        .body(r#"{"slug":"Fout \\u0000","name":"X","kind":"partner"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(n(&app, "SELECT COUNT(*) FROM melding").await, 0);

    // Huge, negative and overflowing page numbers on every list: clamped (200) or refused
    // (400/422), never a 5xx.
    let huge = [
        "99999999999999999999",
        "-1",
        "0",
        "9223372036854775807",
        "-9223372036854775808",
        "abc",
    ];
    for (b, list) in [
        (&admin, "/gebruikers"),
        (&admin, "/audit"),
        (&iv, "/meldingen"),
        (&regie, "/dossiers"),
    ] {
        let b: &Browser = b;
        assert_eq!(raw_get(&app, Some(b), list, None).await, 200, "{list}");
        for p in huge {
            let status = raw_get(&app, Some(b), &format!("{list}?pagina={p}"), None).await;
            assert!(
                status == 200 || status == 400 || status == 422,
                "{list}?pagina={p}: {status}"
            );
        }
    }
    for (token, list, params) in [
        (&admin_token, "/api/v1/users", &["offset", "limit"][..]),
        (
            &admin_token,
            "/api/v1/audit-events",
            &["offset", "limit"][..],
        ),
        (&iv_token, "/api/v1/meldingen", &["page", "per_page"][..]),
        (&regie_token, "/api/v1/dossiers", &["pagina"][..]),
    ] {
        assert_eq!(raw_get(&app, None, list, Some(token)).await, 200, "{list}");
        for param in params {
            for p in huge {
                let path = format!("{list}?{param}={p}");
                let r = api_get(&app, &path, Some(&format!("Bearer {token}"))).await;
                let status = r.status();
                assert!(
                    status == 200 || status == 400 || status == 422,
                    "{path}: {status}"
                );
                if status != 200 {
                    assert_eq!(
                        r.headers()["content-type"],
                        "application/problem+json",
                        "{path}"
                    );
                }
            }
        }
    }
    // The largest page that is taken lies beyond every list: empty, not an error.
    let r = api_get(
        &app,
        "/api/v1/meldingen?page=1000000&per_page=100",
        Some(&format!("Bearer {iv_token}")),
    )
    .await;
    assert_eq!(r.status(), 200);
}

// ---------------------------------------------------------------------------------------------
// Mail over TLS.

fn openssl(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl CLI is needed for the mail TLS test");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A test CA of its own and a server certificate for 127.0.0.1 and localhost signed by it,
/// made with the openssl CLI: (CA certificate, server certificate, server key).
fn test_ca(dir: &std::path::Path, name: &str) -> [std::path::PathBuf; 3] {
    let f = |s: &str| dir.join(format!("{name}-{s}"));
    let p = |s: &str| f(s).to_str().unwrap().to_string();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let subject = format!("/CN={name} CA");
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-days",
                "2",
                "-subj",
                &subject,
                "-keyout",
                &p("ca.key"),
                "-out",
                &p("ca.crt"),
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                &p("server.key"),
                "-out",
                &p("server.csr"),
            ],
        ]
        .concat(),
    );
    std::fs::write(
        f("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        &p("server.csr"),
        "-CA",
        &p("ca.crt"),
        "-CAkey",
        &p("ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &p("ext.cnf"),
        "-out",
        &p("server.crt"),
    ]);
    [f("ca.crt"), f("server.crt"), f("server.key")]
}

/// aiosmtpd with TLS: STARTTLS required (`--tlscert`), or implicit TLS (`--smtpscert`).
fn start_tls_smtp(
    port: u16,
    cert: &std::path::Path,
    key: &std::path::Path,
    implicit: bool,
) -> std::process::Child {
    let (c, k) = if implicit {
        ("--smtpscert", "--smtpskey")
    } else {
        ("--tlscert", "--tlskey")
    };
    Command::new("python3")
        .args([
            "-u",
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Debugging",
            "stdout",
        ])
        .arg("-l")
        .arg(format!("127.0.0.1:{port}"))
        .arg(c)
        .arg(cert)
        .arg(k)
        .arg(key)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with aiosmtpd (pip install aiosmtpd) is needed for the mail test")
}

async fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the SMTP server did not start on {port}");
}

#[tokio::test]
async fn mail_goes_out_over_starttls_and_implicit_tls_and_an_untrusted_certificate_keeps_it_in_the_outbox(
) {
    use platform::mail::{self, SmtpConfig, SmtpTls};
    let app = spawn_app().await;
    let dir = temp_dir();
    let [ca, cert, key] = test_ca(&dir.0, "baken-test");
    let [other_ca, ..] = test_ca(&dir.0, "een-ander");
    let enqueue = |subject: &'static str| {
        let db = app.db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            mail::enqueue(
                &mut tx,
                "ontvanger@example.nl",
                subject,
                "Dank voor uw melding.",
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
    };
    assert_eq!("starttls".parse::<SmtpTls>(), Ok(SmtpTls::StartTls));
    assert_eq!("TLS".parse::<SmtpTls>(), Ok(SmtpTls::Tls));
    assert!("ssl".parse::<SmtpTls>().is_err());

    for implicit in [false, true] {
        let port = free_port();
        let mut server = start_tls_smtp(port, &cert, &key, implicit);
        wait_for_port(port).await;
        let tls = if implicit {
            SmtpTls::Tls
        } else {
            SmtpTls::StartTls
        };
        let config = |ca: &std::path::Path| SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "baken@example.nl".into(),
            tls,
            ca_file: Some(ca.to_path_buf()),
        };
        // A certificate Baken does not trust: refused, the mail stays with the reason.
        enqueue(if implicit { "Via TLS" } else { "Via STARTTLS" }).await;
        let report = mail::deliver_due(&app.db, &config(&other_ca))
            .await
            .unwrap();
        assert_eq!((report.sent, report.failed), (0, 1), "implicit={implicit}");
        let errors = mail::pending_errors(&app.db).await.unwrap();
        assert_eq!(errors.len(), 1);
        let why = errors[0].1.clone().unwrap_or_default().to_lowercase();
        assert!(
            why.contains("certificate") || why.contains("issuer"),
            "implicit={implicit}: {why}"
        );
        // Without the CA file the self-signed certificate is not trusted either.
        mail::retry_now(&app.db).await.unwrap();
        let no_ca = SmtpConfig {
            ca_file: None,
            ..config(&ca)
        };
        assert_eq!(mail::deliver_due(&app.db, &no_ca).await.unwrap().sent, 0);
        // With its own CA trusted, the mail goes out encrypted.
        mail::retry_now(&app.db).await.unwrap();
        let report = mail::deliver_due(&app.db, &config(&ca)).await.unwrap();
        assert_eq!(
            (report.sent, report.failed),
            (1, 0),
            "implicit={implicit}: {:?}",
            mail::pending_errors(&app.db).await.unwrap()
        );
        assert_eq!(mail::pending_count(&app.db).await.unwrap(), 0);
        tokio::time::sleep(Duration::from_millis(300)).await;
        server.kill().unwrap();
        let output = server.wait_with_output().unwrap();
        let printed = String::from_utf8_lossy(&output.stdout);
        let subject = if implicit { "Via TLS" } else { "Via STARTTLS" };
        assert!(
            printed.contains(&format!("Subject: {subject}")),
            "{printed}"
        );
    }

    // STARTTLS required of a server that does not offer it: refused, not sent in clear.
    let port = free_port();
    let mut plain = start_smtp(port);
    wait_for_port(port).await;
    enqueue("Niet in klare tekst").await;
    let report = mail::deliver_due(
        &app.db,
        &SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "baken@example.nl".into(),
            tls: SmtpTls::StartTls,
            ca_file: Some(ca.clone()),
        },
    )
    .await
    .unwrap();
    plain.kill().unwrap();
    let output = plain.wait_with_output().unwrap();
    assert_eq!((report.sent, report.failed), (0, 1));
    assert!(!String::from_utf8_lossy(&output.stdout).contains("Niet in klare tekst"));
    // A CA file that is not there: the mail waits with the reason.
    mail::retry_now(&app.db).await.unwrap();
    let missing = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        from: "baken@example.nl".into(),
        tls: SmtpTls::Tls,
        ca_file: Some(dir.0.join("bestaat-niet.pem")),
    };
    assert!(missing.tls_parameters().is_err());
    assert_eq!(
        mail::deliver_due(&app.db, &missing).await.unwrap().failed,
        1
    );
    let errors = mail::pending_errors(&app.db).await.unwrap();
    assert!(errors[0]
        .1
        .as_deref()
        .unwrap_or("")
        .contains("bestaat-niet.pem"));
}
