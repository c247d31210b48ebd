//! A per-client rate limit for public submissions that keeps no client address: the address is
//! reduced to an HMAC under a random key made when the process starts, counted in one-minute
//! windows; when the minute changes, all counts are dropped.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;

pub struct RateLimiter {
    key: [u8; 32],
    limit: u32,
    /// Reverse proxies whose X-Forwarded-For is believed (see [`client_addr`]).
    trusted_proxies: Vec<IpAddr>,
    window: Mutex<(i64, HashMap<[u8; 16], u32>)>,
}

impl RateLimiter {
    /// `limit` submissions per client per minute; 0 turns the limit off.
    pub fn new(limit: u32, trusted_proxies: Vec<IpAddr>) -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        RateLimiter {
            trusted_proxies,
            ..Self::with_key(limit, key)
        }
    }

    pub fn with_key(limit: u32, key: [u8; 32]) -> Self {
        RateLimiter {
            key,
            limit,
            trusted_proxies: Vec::new(),
            window: Mutex::new((i64::MIN, HashMap::new())),
        }
    }

    fn client_key(&self, addr: Option<IpAddr>) -> [u8; 16] {
        platform::web::client::client_key(&self.key, addr)
    }

    /// Counts one submission at `minute` (minutes since the epoch); false when over the limit.
    pub fn allow(&self, addr: Option<IpAddr>, minute: i64) -> bool {
        if self.limit == 0 {
            return true;
        }
        let key = self.client_key(addr);
        let Ok(mut w) = self.window.lock() else {
            return true;
        };
        if w.0 != minute {
            w.0 = minute;
            w.1.clear();
        }
        let n = w.1.entry(key).or_insert(0);
        if *n >= self.limit {
            false
        } else {
            *n += 1;
            true
        }
    }

    /// How many clients are counted now (for tests: nothing but hashes and counts is kept).
    pub fn tracked(&self) -> usize {
        self.window.lock().map(|w| w.1.len()).unwrap_or(0)
    }
}

pub use platform::web::client::client_addr;

fn is_public_submission(method: &Method, path: &str) -> bool {
    method == Method::POST
        && (path.starts_with("/melden/") || path == "/api/v1/public/meldingen")
        && !path.starts_with("/melden/volg")
}

/// The address search the public form asks Baken for (Baken asks PDOK): typing a street makes
/// a request every few keystrokes, so it has a limit of its own, [`LOOKUPS_PER_SUBMISSION`]
/// times the submissions', that keeps one client from using Baken to flood the geocoder.
fn is_address_lookup(method: &Method, path: &str) -> bool {
    method == Method::GET && path.starts_with("/melden/adres/")
}

/// Address lookups allowed per allowed submission, per client per minute.
pub const LOOKUPS_PER_SUBMISSION: u32 = 30;

/// Whether `limiter` admits this request now (the client's address is used for the in-memory
/// counter only; it is neither stored nor logged).
fn admitted(limiter: &RateLimiter, req: &Request) -> bool {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let addr = client_addr(peer, forwarded, &limiter.trusted_proxies);
    limiter.allow(addr, jiff::Timestamp::now().as_second().div_euclid(60))
}

/// Middleware: refuses address lookups over their limit with 429.
pub async fn limit_lookups(
    State(limiter): State<Arc<RateLimiter>>,
    req: Request,
    next: Next,
) -> Response {
    if is_address_lookup(req.method(), req.uri().path()) && !admitted(&limiter, &req) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "60")],
            "Te veel zoekopdrachten in korte tijd. Typ het adres volledig of probeer het over een minuut opnieuw. / Too many searches; try again in a minute.",
        )
            .into_response();
    }
    next.run(req).await
}

/// Middleware: refuses a public submission over the limit with 429.
pub async fn limit(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    if is_public_submission(req.method(), req.uri().path()) && !admitted(&limiter, &req) {
        let api = req.uri().path().starts_with("/api/");
        return if api {
            platform::web::api::problem(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limit",
                "Too many submissions; try again in a minute",
                None,
            )
        } else {
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "60")],
                "Te veel meldingen in korte tijd. Probeer het over een minuut opnieuw. / Too many reports; try again in a minute.",
            )
                .into_response()
        };
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_lookups_are_counted_apart_from_submissions() {
        for path in [
            "/melden/adres/zoek",
            "/melden/adres/kies",
            "/melden/adres/punt",
        ] {
            assert!(is_address_lookup(&Method::GET, path), "{path}");
            assert!(!is_public_submission(&Method::GET, path), "{path}");
        }
        assert!(!is_address_lookup(&Method::GET, "/melden/overlast"));
        assert!(!is_address_lookup(&Method::POST, "/melden/adres/zoek"));
        assert!(is_public_submission(&Method::POST, "/melden/overlast"));
    }

    #[test]
    fn counts_per_client_per_minute_and_forgets() {
        let l = RateLimiter::with_key(2, [7; 32]);
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        assert!(l.allow(Some(a), 10));
        assert!(l.allow(Some(a), 10));
        assert!(!l.allow(Some(a), 10), "third in the same minute");
        assert!(l.allow(Some(b), 10), "another client");
        assert!(l.allow(None, 10));
        assert_eq!(l.tracked(), 3);
        assert!(l.allow(Some(a), 11), "a new minute starts afresh");
        assert_eq!(l.tracked(), 1, "old windows are dropped");
    }

    #[test]
    fn zero_is_off_and_keys_depend_on_the_secret() {
        let off = RateLimiter::with_key(0, [1; 32]);
        for _ in 0..100 {
            assert!(off.allow(None, 1));
        }
        let a: IpAddr = [192, 0, 2, 1].into();
        let k1 = RateLimiter::with_key(1, [1; 32]).client_key(Some(a));
        let k2 = RateLimiter::with_key(1, [2; 32]).client_key(Some(a));
        assert_ne!(k1, k2);
        assert!(!k1.windows(4).any(|w| w == [192, 0, 2, 1]));
        let v6a: IpAddr = "2001:db8:1:2::1".parse().unwrap_or(a);
        let v6b: IpAddr = "2001:db8:1:2::99".parse().unwrap_or(a);
        let l = RateLimiter::with_key(1, [3; 32]);
        assert_eq!(l.client_key(Some(v6a)), l.client_key(Some(v6b)), "same /64");
    }

    #[test]
    fn only_public_submissions_are_limited() {
        assert!(is_public_submission(&Method::POST, "/melden/drugsoverlast"));
        assert!(is_public_submission(
            &Method::POST,
            "/api/v1/public/meldingen"
        ));
        assert!(!is_public_submission(&Method::GET, "/melden/drugsoverlast"));
        assert!(!is_public_submission(&Method::POST, "/meldingen/x/status"));
    }
}
