//! Black-box tests of the bibob module, on SQLite and (in CI) PostgreSQL.
