-- Asset types the organization defines, and what it adds to the built-in ones.
-- definition is the whole type as JSON (for a built-in type, only its fields and
-- rules are read from it: the rest comes with the server).
CREATE TABLE asset_types (
    uid         TEXT PRIMARY KEY,
    is_system   BIGINT NOT NULL,
    definition  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- The (MIME type, extension) pairs organization types claim: the primary key
-- makes each pair belong to one type even when two are created at once.
CREATE TABLE asset_type_claims (
    mime        TEXT NOT NULL,
    extension   TEXT NOT NULL,
    type_uid    TEXT NOT NULL REFERENCES asset_types (uid) ON DELETE CASCADE,
    PRIMARY KEY (mime, extension)
);

-- The asset type a file was given when it was stored (NULL for files stored
-- before types existed, detected again on read and back-filled at start-up).
ALTER TABLE files ADD COLUMN asset_type TEXT;

-- Typed custom field values, one row per value of a version (a list has one row
-- per item, ord numbering them; group members have dotted paths). Immutable like
-- the versions they belong to, so a fork reads its source's at no copy cost.
-- The value sits in the column of its type: text_value for text, select options
-- and link URLs; number_value for numbers; date_value for dates (days since
-- 1970-01-01, with the text kept in text_value too); bool_value for booleans.
CREATE TABLE asset_values (
    space_uid      TEXT NOT NULL,
    workspace_uid  TEXT NOT NULL,
    asset_uid      TEXT NOT NULL,
    locale         TEXT NOT NULL,
    number         BIGINT NOT NULL,
    path           TEXT NOT NULL,
    ord            BIGINT NOT NULL,
    seq            BIGINT NOT NULL,
    text_value     TEXT,
    number_value   DOUBLE PRECISION,
    date_value     BIGINT,
    bool_value     BIGINT,
    PRIMARY KEY (space_uid, workspace_uid, asset_uid, locale, number, path, ord),
    FOREIGN KEY (space_uid, workspace_uid, asset_uid, locale, number)
        REFERENCES asset_versions (space_uid, workspace_uid, asset_uid, locale, number) ON DELETE CASCADE
);
CREATE INDEX asset_values_by_text ON asset_values (space_uid, path, text_value);
CREATE INDEX asset_values_by_number ON asset_values (space_uid, path, number_value);
CREATE INDEX asset_values_by_date ON asset_values (space_uid, path, date_value);
CREATE INDEX asset_values_by_bool ON asset_values (space_uid, path, bool_value);

CREATE VIEW live_asset_values AS
SELECT t.space_uid, l.workspace_uid, t.asset_uid, t.locale, t.number, t.path, t.ord, t.seq,
    t.text_value, t.number_value, t.date_value, t.bool_value, t.workspace_uid AS owner_uid
FROM workspace_lineage l
JOIN asset_values t ON t.space_uid = l.space_uid AND t.workspace_uid = l.ancestor_uid AND t.seq <= l.max_seq;

-- The fields of each stored type, in order. The reference to fields makes a
-- field in use impossible to delete, even by a deletion racing an addition.
CREATE TABLE asset_type_fields (
    type_uid    TEXT NOT NULL REFERENCES asset_types (uid) ON DELETE CASCADE,
    field_uid   TEXT NOT NULL REFERENCES fields (uid),
    position    BIGINT NOT NULL,
    PRIMARY KEY (type_uid, field_uid)
);
CREATE INDEX asset_type_fields_by_field ON asset_type_fields (field_uid);

-- The clock of the organization settings every request resolves (languages,
-- fields, asset types): each change of any of them bumps it, and every request
-- reads it with its workspace, so a node's cached copies stay current.
ALTER TABLE language_clock RENAME TO settings_clock;
