//! The client behind a request, for counters kept in memory that store no address: the address
//! is reduced to an HMAC under a random key made when the process starts. Losing the counters
//! (a restart, another process) only makes them start afresh.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::identity::LoginPolicy;

/// The client behind a request. Only when the connection comes from a trusted reverse proxy is
/// X-Forwarded-For believed: its entries are read from the right (the proxy appends the address
/// it saw), skipping further trusted proxies; the first other address is the client. Behind an
/// untrusted peer the header is ignored, so a client cannot pick its own counter.
pub fn client_addr(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    forwarded_for
        .into_iter()
        .flat_map(|h| h.rsplit(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .find(|a| !trusted.contains(a))
        .or(Some(peer))
}

/// The keyed hash of a client: IPv6 by its /64 network (one household or device), IPv4 as is;
/// an unknown address counts as one shared client.
pub fn client_key(key: &[u8; 32], addr: Option<IpAddr>) -> [u8; 16] {
    let bytes: Vec<u8> = match addr {
        Some(IpAddr::V4(v4)) => v4.octets().to_vec(),
        Some(IpAddr::V6(v6)) => v6.octets()[..8].to_vec(),
        None => b"unknown".to_vec(),
    };
    let mut out = [0u8; 16];
    if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) {
        mac.update(&bytes);
        out.copy_from_slice(&mac.finalize().into_bytes()[..16]);
    }
    out
}

/// Failed logins a client may make before its attempts are slowed down.
const FREE_FAILURES: u32 = 5;
/// A client's failures are forgotten after this long without one.
const FORGET_AFTER_MS: i64 = 15 * 60 * 1000;
/// Clients tracked at most; past this, the oldest are forgotten first.
const MAX_CLIENTS: usize = 100_000;

/// Progressive delays per client for logins and second-factor codes, on top of the delays per
/// account: one client guessing at many accounts is slowed down without locking anybody out
/// (a lock per client would let one address behind a shared proxy lock out everybody behind it).
pub struct ClientThrottle {
    key: [u8; 32],
    base_ms: u64,
    max_ms: u64,
    failures: Mutex<HashMap<[u8; 16], (u32, i64)>>,
}

impl Default for ClientThrottle {
    fn default() -> Self {
        ClientThrottle::new(&LoginPolicy::default())
    }
}

impl std::fmt::Debug for ClientThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientThrottle(..)")
    }
}

impl ClientThrottle {
    pub fn new(policy: &LoginPolicy) -> Self {
        ClientThrottle {
            key: crate::secrets::random_bytes(),
            base_ms: policy.base_delay_ms,
            max_ms: policy.max_delay_ms,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// How long to wait before answering an attempt of `client` at `now_ms`.
    pub fn delay(&self, client: &[u8; 16], now_ms: i64) -> Duration {
        let failures = self
            .failures
            .lock()
            .ok()
            .and_then(|m| m.get(client).copied())
            .filter(|(_, last)| now_ms - last < FORGET_AFTER_MS)
            .map(|(n, _)| n)
            .unwrap_or(0);
        Duration::from_millis(client_delay_ms(failures, self.base_ms, self.max_ms))
    }

    /// Counts a failed attempt of `client` at `now_ms`.
    pub fn failed(&self, client: &[u8; 16], now_ms: i64) {
        let Ok(mut m) = self.failures.lock() else {
            return;
        };
        if m.len() >= MAX_CLIENTS {
            m.retain(|_, (_, last)| now_ms - *last < FORGET_AFTER_MS);
            if m.len() >= MAX_CLIENTS {
                m.clear();
            }
        }
        let e = m.entry(*client).or_insert((0, now_ms));
        if now_ms - e.1 >= FORGET_AFTER_MS {
            e.0 = 0;
        }
        e.0 = e.0.saturating_add(1);
        e.1 = now_ms;
    }

    /// The keyed hash of a client, under this process's key.
    pub fn key_of(&self, addr: Option<IpAddr>) -> [u8; 16] {
        client_key(&self.key, addr)
    }
}

/// The delay after `failures` failed attempts of one client: none for the first
/// [`FREE_FAILURES`], then doubling from `base_ms`, capped at `max_ms`.
pub fn client_delay_ms(failures: u32, base_ms: u64, max_ms: u64) -> u64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let exp = (failures - FREE_FAILURES).min(20);
    base_ms.saturating_mul(1u64 << exp).min(max_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let client: IpAddr = [192, 0, 2, 7].into();
        let trusted = [proxy];
        assert_eq!(
            client_addr(Some(proxy), Some("198.51.100.9, 192.0.2.7"), &trusted),
            Some(client),
            "the address the proxy saw, not what the client claimed before it"
        );
        assert_eq!(
            client_addr(Some(proxy), Some("192.0.2.7, 10.0.0.1"), &trusted),
            Some(client),
            "further trusted proxies are skipped"
        );
        assert_eq!(client_addr(Some(proxy), None, &trusted), Some(proxy));
        assert_eq!(
            client_addr(Some(proxy), Some("onzin"), &trusted),
            Some(proxy)
        );
        assert_eq!(
            client_addr(Some(client), Some("203.0.113.5"), &trusted),
            Some(client),
            "an untrusted peer cannot choose its counter"
        );
        assert_eq!(
            client_addr(Some(client), Some("203.0.113.5"), &[]),
            Some(client)
        );
        assert_eq!(client_addr(None, Some("203.0.113.5"), &trusted), None);
    }

    #[test]
    fn delays_grow_per_client_after_the_free_failures_and_are_forgotten() {
        assert_eq!(client_delay_ms(0, 500, 8000), 0);
        assert_eq!(client_delay_ms(FREE_FAILURES - 1, 500, 8000), 0);
        assert_eq!(client_delay_ms(FREE_FAILURES, 500, 8000), 500);
        assert_eq!(client_delay_ms(FREE_FAILURES + 1, 500, 8000), 1000);
        assert_eq!(client_delay_ms(FREE_FAILURES + 10, 500, 8000), 8000);
        assert_eq!(client_delay_ms(u32::MAX, 500, 8000), 8000);

        let t = ClientThrottle::new(&LoginPolicy::default());
        let a = t.key_of(Some([192, 0, 2, 1].into()));
        let b = t.key_of(Some([192, 0, 2, 2].into()));
        assert_ne!(a, b);
        for i in 0..FREE_FAILURES {
            t.failed(&a, 1_000 + i64::from(i));
        }
        assert_eq!(t.delay(&a, 2_000), Duration::from_millis(500));
        assert_eq!(t.delay(&b, 2_000), Duration::ZERO, "another client");
        assert_eq!(
            t.delay(&a, 2_000 + FORGET_AFTER_MS),
            Duration::ZERO,
            "forgotten after a quiet spell"
        );
        // IPv6 counts per /64 network.
        let v6a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8:1:2::ffff".parse().unwrap();
        assert_eq!(t.key_of(Some(v6a)), t.key_of(Some(v6b)));
    }
}
