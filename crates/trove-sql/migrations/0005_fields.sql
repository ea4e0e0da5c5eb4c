-- User-defined fields, organization-wide. The definition (kind, properties, nested
-- group fields) is one JSON document: it is read and written whole, and the values
-- assets carry for it are stored per version, not here. name_key (the name trimmed
-- and lowercased) makes names unique regardless of case.
CREATE TABLE fields (
    uid         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    definition  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
