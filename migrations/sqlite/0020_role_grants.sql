-- Four eyes on roles that open case files: an administrator's grant waits here until a second
-- administrator approves or rejects it.
CREATE TABLE role_grant_requests (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    outcome TEXT
);
CREATE UNIQUE INDEX role_grant_requests_open ON role_grant_requests (user_id, role) WHERE decided_at IS NULL;
