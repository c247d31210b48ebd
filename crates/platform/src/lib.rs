//! The Baken platform kernel: what every module stands on.
//!
//! - [`db`]: SQLite or PostgreSQL behind one handle, migrations, transactions.
//! - [`access`]: the access engine (one decision for every read or write of personal data).
//! - [`audit`]: the append-only, hash-chained audit log.
//! - [`identity`]: organisations, teams, accounts, login, two-factor, sessions, API tokens.
//! - [`jobs`], [`search`], [`mail`], [`files`]: services modules need.
//! - [`web`]: the web shell (pages, API, errors, i18n, static assets).
//! - [`seed`]: reference and demo data.

pub mod access;
pub mod audit;
pub mod db;
pub mod export;
pub mod files;
pub mod identity;
pub mod jobs;
pub mod links;
pub mod mail;
pub mod notify;
pub mod role_grants;
pub mod search;
pub mod secrets;
pub mod seed;
pub mod theme;
pub mod web;
