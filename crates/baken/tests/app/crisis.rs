//! Black-box tests of the crisis module, on SQLite and (in CI) PostgreSQL.
