//! Input that no handler should see: a NUL character (U+0000) in a string. PostgreSQL cannot
//! store it in text and answers with an error, which became a 500 for what is the client's
//! mistake. It is refused once, centrally, before any handler runs: in the percent-decoded path
//! and query, and in urlencoded and multipart form fields and text files (by the shell
//! middleware); in JSON strings by [`super::api::ApiJson`]. Other files in a multipart body are
//! binary and may hold NULs.

use axum::http::{header, HeaderMap};

/// Whether a percent-encoded part of a URL, or an urlencoded body, decodes to a NUL: only `%00`
/// (or a raw NUL) does — `%2500` decodes to the three characters `%00`.
pub fn encoded_has_nul(raw: &[u8]) -> bool {
    raw.contains(&0) || raw.windows(3).any(|w| w == b"%00")
}

/// Whether a JSON text has a string with an escaped NUL (`\u0000`). A raw NUL is not JSON at
/// all (the parser refuses it). Escapes are skipped in pairs, so `\\u0000` (a backslash and
/// the text `u0000`) is no NUL.
pub fn json_has_nul(body: &[u8]) -> bool {
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' {
            if body.get(i + 1..i + 6) == Some(b"u0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// The boundary of a multipart content type, quoted or not.
fn boundary(content_type: &str) -> Option<&str> {
    content_type.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"'))
            .filter(|b| !b.is_empty())
    })
}

/// Whether a text field (a part without a file name) of a multipart body, or any part's
/// headers, hold a NUL.
pub fn multipart_text_has_nul(content_type: &str, body: &[u8]) -> bool {
    let Some(b) = boundary(content_type) else {
        return false;
    };
    let delimiter = format!("--{b}");
    split(body, delimiter.as_bytes()).into_iter().any(|part| {
        let Some(at) = find(part, b"\r\n\r\n") else {
            return false;
        };
        let (head, content) = (&part[..at], &part[at + 4..]);
        let head_text = String::from_utf8_lossy(head).to_ascii_lowercase();
        // A text file (a CSV to import) is read into strings, so it is checked as a field is.
        let text_file = head_text.contains("content-type: text/")
            || [".csv\"", ".txt\"", ".json\"", ".geojson\""]
                .iter()
                .any(|ext| head_text.contains(ext));
        let is_file = head_text.contains("filename") && !text_file;
        head.contains(&0) || (!is_file && content.contains(&0))
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut hay: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = find(hay, delimiter) {
        parts.push(&hay[..at]);
        hay = &hay[at + delimiter.len()..];
    }
    parts.push(hay);
    parts
}

/// The media type of a request (lower case, without parameters), and its whole header.
pub fn mime(headers: &HeaderMap) -> (String, &str) {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    (mime, ctype)
}

/// Whether a form body of the type in `headers` carries a NUL in one of its strings. JSON
/// bodies are checked once, where they are read (`api::ApiJson`).
pub fn body_has_nul(headers: &HeaderMap, body: &[u8]) -> bool {
    let (mime, ctype) = mime(headers);
    match mime.as_str() {
        "application/x-www-form-urlencoded" => encoded_has_nul(body),
        "multipart/form-data" => multipart_text_has_nul(ctype, body),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_where_it_decodes() {
        assert!(encoded_has_nul(b"q=a%00b"));
        assert!(encoded_has_nul(b"/melden/volg/%00"));
        assert!(!encoded_has_nul(b"q=a%2500b"));
        assert!(!encoded_has_nul(b"q=100%25"));
        assert!(json_has_nul(br#"{"a":"x\u0000"}"#));
        assert!(!json_has_nul(br#"{"a":"x\\u0000"}"#));
        assert!(json_has_nul(br#"{"a":"x\\\u0000"}"#));
        assert!(!json_has_nul(br#"{"a":"\u00e9"}"#));
    }

    #[test]
    fn multipart_text_fields_but_not_files() {
        let ct = "multipart/form-data; boundary=XyZ";
        let body = |field: &[u8], file: &[u8]| {
            [
                &b"--XyZ\r\nContent-Disposition: form-data; name=\"omschrijving\"\r\n\r\n"[..],
                field,
                b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"foto\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n",
                file,
                b"\r\n--XyZ--\r\n",
            ]
            .concat()
        };
        assert!(!multipart_text_has_nul(
            ct,
            &body(b"tekst", b"\xFF\xD8\x00\x00")
        ));
        assert!(multipart_text_has_nul(ct, &body(b"te\x00kst", b"\xFF\xD8")));
        assert!(multipart_text_has_nul(
            "multipart/form-data; boundary=\"XyZ\"",
            &body(b"\x00", b"")
        ));
        // A CSV to import is text: read into strings, so checked.
        let csv = |name: &str, ctype: &str, data: &[u8]| {
            [
                format!("--XyZ\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"{name}\"\r\nContent-Type: {ctype}\r\n\r\n").as_bytes(),
                data,
                b"\r\n--XyZ--\r\n",
            ]
            .concat()
        };
        assert!(multipart_text_has_nul(
            ct,
            &csv("cijfers.csv", "application/octet-stream", b"a;b\x00")
        ));
        assert!(multipart_text_has_nul(
            ct,
            &csv("cijfers", "text/csv", b"a;b\x00")
        ));
        assert!(!multipart_text_has_nul(
            ct,
            &csv("cijfers.csv", "text/csv", b"a;b")
        ));
        assert!(!multipart_text_has_nul(
            ct,
            &csv("foto.jpg", "image/jpeg", b"\xFF\xD8\x00")
        ));
    }
}
