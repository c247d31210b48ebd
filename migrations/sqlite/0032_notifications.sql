-- Notifications: in the app (a bell with the unread count) and by mail through the outbox, per
-- person switchable per kind. A notification names what happened and links to it; it never
-- names the person a case is about. mailed_at: the mail was put in the outbox (or not wanted).
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    href TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    mailed_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at);
CREATE INDEX notifications_unmailed ON notifications (mailed_at, created_at);

-- A person's choice per kind; without a row both are on.
CREATE TABLE notification_settings (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    in_app BIGINT NOT NULL,
    mail BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
