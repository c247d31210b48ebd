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

/// A Bloom filter of the breached passwords of at least [`MIN_PASSWORD_LEN`] characters among the
/// million most common ones (built by `scripts/breached-passwords.py`; 128 KiB, about one false
/// positive in 100,000). Shipped in the binary: a password is never sent anywhere to be checked.
static BREACHED: &[u8] = include_bytes!("../data/breached-passwords.bloom");

/// Whether a password is in the list of breached passwords (case-insensitively).
pub fn breached_password(password: &str) -> bool {
    let Some((header, bits)) = BREACHED.split_at_checked(5) else {
        return false;
    };
    if &header[..4] != b"BKBF" || bits.is_empty() {
        return false;
    }
    let k = u64::from(header[4]);
    let m = (bits.len() as u64) * 8;
    let mut hasher = Sha256::new();
    hasher.update(b"baken-breached-v1\0");
    hasher.update(password.to_lowercase().as_bytes());
    let d = hasher.finalize();
    let word = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&d[i * 8..i * 8 + 8]);
        u64::from_le_bytes(b)
    };
    let (h1, h2) = (word(0), word(1) | 1);
    (0..k).all(|i| {
        let bit = h1.wrapping_add(i.wrapping_mul(h2)) % m;
        bits[(bit / 8) as usize] & (1 << (bit % 8)) != 0
    })
}

/// Why a new password is refused (a Fluent message id), or None when it is good enough: long
/// enough, and not one of the breached passwords.
pub fn password_problem(password: &str) -> Option<&'static str> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        Some("error-password-short")
    } else if breached_password(password) {
        Some("error-password-breached")
    } else {
        None
    }
}

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

/// HMAC-SHA-256 with a 32-byte key, zero-padded to the block size as RFC 2104 does itself, so
/// the fixed-size (infallible) constructor applies.
fn hmac_sha256(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new(&block.into());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The key that protects identifying data at rest (a BSN, for example) and keys the hashes by
/// which records about the same person are found without storing the identifier itself.
/// Two sub-keys are derived from it, so encryption and hashing never share a key.
#[derive(Clone)]
pub struct DataKey {
    encryption: [u8; 32],
    hashing: [u8; 32],
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DataKeyError {
    #[error("de gegevenssleutel moet 64 hexadecimale tekens zijn (32 bytes)")]
    Format,
    #[error("versleutelde waarde is beschadigd of hoort bij een andere sleutel")]
    Decrypt,
    #[error("kan het sleutelbestand {0} niet lezen of schrijven: {1}")]
    File(String, String),
    #[error("er is geen gegevenssleutel om dit geheim te openen")]
    Missing,
}

impl DataKey {
    pub fn from_bytes(master: [u8; 32]) -> Self {
        DataKey {
            encryption: hmac_sha256(&master, &[b"baken data encryption v1"]),
            hashing: hmac_sha256(&master, &[b"baken keyed identifier hash v1"]),
        }
    }

    /// A key written as 64 hexadecimal characters (configuration, `BAKEN_DATA_KEY`).
    pub fn from_hex(text: &str) -> Result<Self, DataKeyError> {
        let bytes = hex::decode(text.trim()).map_err(|_| DataKeyError::Format)?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| DataKeyError::Format)?;
        Ok(Self::from_bytes(master))
    }

    /// Reads the key file, or creates it with a new random key (readable by the owner only).
    pub fn load_or_create(path: &std::path::Path) -> Result<Self, DataKeyError> {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = hex::encode(random_bytes::<32>());
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options
                    .open(path)
                    .map_err(|e| DataKeyError::File(shown.clone(), e.to_string()))?;
                std::io::Write::write_all(&mut file, text.as_bytes())
                    .map_err(|e| DataKeyError::File(shown, e.to_string()))?;
                Self::from_hex(&text)
            }
            Err(e) => Err(DataKeyError::File(shown, e.to_string())),
        }
    }

    /// ChaCha20-Poly1305 with a random nonce; the result is base64 of nonce and ciphertext.
    pub fn encrypt(&self, plaintext: &str) -> String {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let cipher = chacha20poly1305::ChaCha20Poly1305::new((&self.encryption).into());
        let nonce = random_bytes::<12>();
        let mut out = nonce.to_vec();
        // Encryption with a valid key and nonce cannot fail for inputs this small.
        if let Ok(ct) = cipher.encrypt((&nonce).into(), plaintext.as_bytes()) {
            out.extend(ct);
        }
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, DataKeyError> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let raw = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(stored)
            .map_err(|_| DataKeyError::Decrypt)?;
        if raw.len() < 12 + 16 {
            return Err(DataKeyError::Decrypt);
        }
        let (nonce, ct) = raw.split_at(12);
        let cipher = chacha20poly1305::ChaCha20Poly1305::new((&self.encryption).into());
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| DataKeyError::Decrypt)?;
        let pt = cipher
            .decrypt((&nonce).into(), ct)
            .map_err(|_| DataKeyError::Decrypt)?;
        String::from_utf8(pt).map_err(|_| DataKeyError::Decrypt)
    }

    /// A secret kept in the database (a TOTP secret): encrypted, and marked as such so that
    /// values stored before encryption are recognised ([`open_secret`]).
    pub fn seal_secret(&self, plaintext: &str) -> String {
        format!("{SEALED_PREFIX}{}", self.encrypt(plaintext))
    }

    /// HMAC-SHA-256 of `kind` and `value`, hex: equal identifiers give equal hashes, and
    /// without the key the hash reveals nothing (a BSN has only 10^9 values).
    pub fn keyed_hash(&self, kind: &str, value: &str) -> String {
        hex::encode(hmac_sha256(
            &self.hashing,
            &[kind.as_bytes(), &[0], value.as_bytes()],
        ))
    }
}

/// The mark of a secret sealed with the data key; a stored value without it is from before
/// secrets were encrypted (migrated at start).
pub const SEALED_PREFIX: &str = "v1:";

/// The stored form of a recovery code: keyed with the data key, so that the codes (50 bits
/// each) cannot be found by hashing guesses without the key.
pub fn recovery_code_hash(key: Option<&DataKey>, code: &str) -> String {
    match key {
        Some(k) => format!("k1:{}", k.keyed_hash("recovery-code", code)),
        None => token_hash(code),
    }
}

/// A stored TOTP secret in clear: decrypted when sealed, as it is when from before sealing.
pub fn open_secret(key: Option<&DataKey>, stored: &str) -> Result<String, DataKeyError> {
    match stored.strip_prefix(SEALED_PREFIX) {
        Some(sealed) => key.ok_or(DataKeyError::Missing)?.decrypt(sealed),
        None => Ok(stored.to_string()),
    }
}

/// Creates a file readable and writable by the owner only (0600 on Unix), if it does not exist
/// yet: for the SQLite database, which then keeps that mode (SQLite gives its journal and WAL
/// files the mode of the database file).
pub fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
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
    fn breached_passwords_are_found_and_others_not() {
        for p in [
            "qwertyqwerty",
            "1qaz2wsx3edc",
            "QWERTY123456",
            "wachtwoord12",
        ] {
            assert!(breached_password(p), "{p}");
            assert_eq!(password_problem(p), Some("error-password-breached"));
        }
        for p in [
            "lang genoeg wachtwoord",
            "een lang wachtwoord",
            "paars-fietsenrek-onder-de-brug",
        ] {
            assert!(!breached_password(p), "{p}");
            assert_eq!(password_problem(p), None);
        }
        assert_eq!(password_problem("kort"), Some("error-password-short"));
    }

    #[test]
    fn sealed_secrets_open_with_the_key_only() {
        let key = DataKey::from_bytes([3; 32]);
        let sealed = key.seal_secret("JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with(SEALED_PREFIX) && !sealed.contains("JBSWY3DP"));
        assert_eq!(
            open_secret(Some(&key), &sealed).unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
        assert!(open_secret(None, &sealed).is_err());
        assert!(open_secret(Some(&DataKey::from_bytes([4; 32])), &sealed).is_err());
        assert_eq!(
            open_secret(None, "JBSWY3DPEHPK3PXP").unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
        assert_ne!(
            recovery_code_hash(Some(&key), "abcde-fghij"),
            recovery_code_hash(None, "abcde-fghij")
        );
    }

    #[test]
    fn qr_is_svg() {
        let svg = qr_svg(&totp_uri("JBSWY3DPEHPK3PXP", "a@b.nl", "Baken")).unwrap();
        assert!(svg.contains("<svg"));
    }

    #[test]
    fn data_key_round_trips_and_detects_tampering() {
        let key = DataKey::from_bytes([7; 32]);
        let a = key.encrypt("123456782");
        let b = key.encrypt("123456782");
        assert_ne!(a, b, "random nonces");
        assert_eq!(key.decrypt(&a).unwrap(), "123456782");
        let other = DataKey::from_bytes([8; 32]);
        assert!(other.decrypt(&a).is_err());
        let mut bad = a.clone();
        bad.replace_range(20..21, if &a[20..21] == "A" { "B" } else { "A" });
        assert!(key.decrypt(&bad).is_err());
        assert!(key.decrypt("kort").is_err());
        assert_eq!(key.keyed_hash("bsn", "1"), key.keyed_hash("bsn", "1"));
        assert_ne!(key.keyed_hash("bsn", "1"), key.keyed_hash("kvk", "1"));
        assert_ne!(key.keyed_hash("bsn", "1"), other.keyed_hash("bsn", "1"));
        assert!(DataKey::from_hex("abc").is_err());
        assert!(DataKey::from_hex(&"ab".repeat(32)).is_ok());
    }
}
