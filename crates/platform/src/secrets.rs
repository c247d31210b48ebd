//! Passwords (Argon2id), TOTP (RFC 6238), recovery codes and random tokens. Pure functions.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Hashes a password with Argon2id and the crate's default (OWASP) parameters.
pub fn hash_password(password: &str) -> Result<String, SecretError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| SecretError::Hash(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when an account does not exist, so that an
/// unknown e-mail address takes as long as a wrong password.
pub fn dummy_verify(password: &str) {
    static DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$qCGkb6tJcr4CK0iy1J4l0m8zDC5jMWlfJoBZ4Pn2S2Y";
    let _ = verify_password(password, DUMMY);
}

/// Minimum password length (NCSC advice: long passphrases over complexity rules).
pub const MIN_PASSWORD_LEN: usize = 12;

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

/// A random opaque token for cookies and API tokens (256 bits, URL-safe).
pub fn random_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// Tokens are stored only as their SHA-256 hash: they are long and random, so a fast hash suffices.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in data {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32
            .iter()
            .position(|&b| char::from(b) == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// A new TOTP secret (160 bits, as RFC 4226 recommends), base32-encoded.
pub fn new_totp_secret() -> String {
    base32_encode(&random_bytes::<20>())
}

pub const TOTP_STEP_SECONDS: i64 = 30;

/// The 6-digit RFC 6238 code (HMAC-SHA1) for a time step.
pub fn totp_code(secret: &[u8], step: i64) -> String {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    format!("{:06}", value % 1_000_000)
}

/// Checks a code against the current step and one step either side (clock drift). Returns the
/// matching step only if it is later than `last_used_step`: a code is never accepted twice.
pub fn verify_totp(
    secret_b32: &str,
    code: &str,
    now_s: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let secret = base32_decode(secret_b32)?;
    let now_step = now_s / TOTP_STEP_SECONDS;
    (now_step - 1..=now_step + 1)
        .filter(|step| last_used_step.is_none_or(|last| *step > last))
        .find(|step| {
            let expected = totp_code(&secret, *step);
            subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes()).into()
        })
}

/// The otpauth:// URI an authenticator app reads from the QR code.
pub fn totp_uri(secret_b32: &str, account: &str, issuer: &str) -> String {
    use crate::web::forms::encode as enc;
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        secret_b32,
        enc(issuer)
    )
}

/// The QR code of `data` as an SVG image (no raster codecs needed).
pub fn qr_svg(data: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// One-time recovery codes: ten codes of ten base32 characters (50 bits each), shown once.
pub fn new_recovery_codes() -> Vec<String> {
    (0..10)
        .map(|_| {
            let s = base32_encode(&random_bytes::<7>()).to_lowercase();
            format!("{}-{}", &s[0..5], &s[5..10])
        })
        .collect()
}

pub fn normalize_recovery_code(code: &str) -> String {
    let c: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    if c.len() == 10 {
        format!("{}-{}", &c[0..5], &c[5..10])
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, 8-digit values truncated to the 6 digits we use.
        let secret = b"12345678901234567890";
        assert_eq!(totp_code(secret, 59 / 30), "287082");
        assert_eq!(totp_code(secret, 1_111_111_109 / 30), "081804");
        assert_eq!(totp_code(secret, 2_000_000_000 / 30), "279037");
    }

    #[test]
    fn totp_accepts_neighbouring_steps_once() {
        let secret = base32_encode(b"12345678901234567890");
        let now = 1_111_111_109;
        let step = now / 30;
        let code = totp_code(b"12345678901234567890", step);
        assert_eq!(verify_totp(&secret, &code, now, None), Some(step));
        assert_eq!(
            verify_totp(&secret, &code, now, Some(step)),
            None,
            "replay refused"
        );
        assert_eq!(
            verify_totp(&secret, &code, now + 30, None),
            Some(step),
            "drift"
        );
        assert_eq!(
            verify_totp(&secret, &code, now + 120, None),
            None,
            "too old"
        );
        assert_eq!(verify_totp(&secret, "12345", now, None), None);
        assert_eq!(verify_totp(&secret, "abcdef", now, None), None);
    }

    #[test]
    fn base32_round_trip() {
        for len in 0..25 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(
                base32_decode(&base32_encode(&data)).as_deref(),
                Some(&data[..])
            );
        }
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("not base32!"), None);
    }

    #[test]
    fn passwords_verify_and_hashes_are_salted() {
        let h1 = hash_password("correct horse battery").unwrap();
        let h2 = hash_password("correct horse battery").unwrap();
        assert!(h1.starts_with("$argon2id$"));
        assert_ne!(h1, h2);
        assert!(verify_password("correct horse battery", &h1));
        assert!(!verify_password("wrong", &h1));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn recovery_codes_are_unique_and_normalize() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 10);
        assert_eq!(normalize_recovery_code(" ABCDE fghij "), "abcde-fghij");
        assert_eq!(normalize_recovery_code(&codes[0].to_uppercase()), codes[0]);
    }

    #[test]
    fn qr_is_svg() {
        let svg = qr_svg(&totp_uri("JBSWY3DPEHPK3PXP", "a@b.nl", "Baken")).unwrap();
        assert!(svg.contains("<svg"));
    }
}
