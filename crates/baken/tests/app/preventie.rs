//! Black-box tests of the preventie module, on SQLite and (in CI) PostgreSQL.
