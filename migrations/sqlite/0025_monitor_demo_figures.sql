-- Monitor: each imported version says where its figures come from. Police tables keep the
-- CBS / Politie attribution; the demo installation's generated series are marked fictitious, so
-- pages and API can say so and a real import can remove them.
ALTER TABLE monitor_import ADD COLUMN source TEXT NOT NULL DEFAULT 'CBS / Politie (CC BY 4.0)';
ALTER TABLE monitor_import ADD COLUMN fictitious BIGINT NOT NULL DEFAULT 0;
