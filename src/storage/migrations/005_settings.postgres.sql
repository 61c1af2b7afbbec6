-- Version 5 (PostgreSQL): the company's settings, one row per key (GET/PATCH
-- /api/v1/settings). `value` is the setting's JSON as the API shows it; a key without a
-- row has its default.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
