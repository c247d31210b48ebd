-- Accounts hardened (issue 17).
-- Second-factor failures are counted apart from password failures and reset only by a correct
-- second factor (or an administrator), so a known password no longer buys fresh guesses at the code.
ALTER TABLE users ADD COLUMN totp_failures BIGINT NOT NULL DEFAULT 0;

-- Whether a session passed the second factor: when an account gains a role that sees personal
-- data, its sessions without one stop until it enrols and verifies. A complete session of an
-- account with a secret has passed it (the login asks for the code whenever there is one).
ALTER TABLE sessions ADD COLUMN two_factor BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET two_factor = 1
WHERE stage = 'complete' AND user_id IN (SELECT id FROM users WHERE totp_secret IS NOT NULL);

-- The same for API tokens: made by an account with a second factor (asked again when the token
-- is made in the web interface) or not.
ALTER TABLE api_tokens ADD COLUMN two_factor BIGINT NOT NULL DEFAULT 0;
UPDATE api_tokens SET two_factor = 1
WHERE user_id IN (SELECT id FROM users WHERE totp_secret IS NOT NULL);
-- Tokens made before tokens had a life get the default one (90 days) from now.
UPDATE api_tokens SET expires_at = (extract(epoch from clock_timestamp()) * 1000)::bigint + 7776000000
WHERE expires_at IS NULL;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- When an account loses a role, its API tokens stop, whichever path removed the role.
CREATE FUNCTION user_roles_revoke_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE api_tokens SET revoked_at = (extract(epoch from clock_timestamp()) * 1000)::bigint
    WHERE user_id = OLD.user_id AND revoked_at IS NULL;
    RETURN OLD;
END;
$$;
CREATE TRIGGER user_roles_revoke_tokens AFTER DELETE ON user_roles
FOR EACH ROW EXECUTE FUNCTION user_roles_revoke_tokens();

-- Login throttling per e-mail address, for known and unknown addresses alike, so that the
-- answers and delays do not tell which accounts exist. The key is a hash of the address.
CREATE TABLE login_throttle (
    key_hash TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failed_at BIGINT NOT NULL,
    locked_until BIGINT
);

-- One-time links to set a new password (only the hash of the token is stored).
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);
