//! Black-box tests of the ondermijning module, on SQLite and (in CI) PostgreSQL.
