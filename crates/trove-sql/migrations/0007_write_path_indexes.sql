-- Indexes that keep a save's cost independent of how much history a workspace
-- has.
--
-- Closing the rows a write replaces looks up the keys the write touched by its
-- seq. With the key columns in the seq index that lookup reads only the index
-- entries of this one seq; without them the engine preferred the primary key
-- and scanned every row the workspace ever had, so each save grew slower as
-- the library's history grew.
DROP INDEX folders_by_seq;
DROP INDEX workspace_assets_by_seq;
DROP INDEX asset_locales_by_seq;
DROP INDEX version_names_by_seq;
CREATE INDEX folders_by_seq ON folders (space_uid, workspace_uid, seq, uid);
CREATE INDEX workspace_assets_by_seq ON workspace_assets (space_uid, workspace_uid, seq, asset_uid);
CREATE INDEX asset_locales_by_seq ON asset_locales (space_uid, workspace_uid, seq, asset_uid, locale);
CREATE INDEX version_names_by_seq ON version_names (space_uid, workspace_uid, seq, asset_uid, locale, number);

-- Typed custom values become a read model of the heads, kept like the heads
-- themselves: an overlay row per (asset, locale, value path, item) with seq and
-- superseded_seq, written when a head changes and only for the values that
-- changed. An edit that leaves the custom values alone writes no value rows; one
-- that changes one field writes one. Kept per version, every save wrote every
-- value into every value index again, which cost an edit of an asset with twenty
-- fields twice the time of one without. Versions keep their full content in
-- asset_versions.custom, so the rows are derived data: the table starts empty
-- and the server rebuilds it from the heads at its next start (the row in
-- pending_rebuilds asks for that, and the rebuild removes it).
DROP VIEW live_asset_values;
DROP TABLE asset_values;
CREATE TABLE asset_values (
    space_uid       TEXT NOT NULL,
    workspace_uid   TEXT NOT NULL,
    asset_uid       TEXT NOT NULL,
    locale          TEXT NOT NULL,
    path            TEXT NOT NULL,
    ord             BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    superseded_seq  BIGINT,
    tombstone       BIGINT NOT NULL DEFAULT 0,
    text_value      TEXT,
    number_value    DOUBLE PRECISION,
    date_value      BIGINT,
    bool_value      BIGINT,
    PRIMARY KEY (space_uid, workspace_uid, asset_uid, locale, path, ord, seq),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE,
    FOREIGN KEY (space_uid, asset_uid) REFERENCES assets (space_uid, uid) ON DELETE CASCADE
);
-- No index by seq: a write closes the rows it replaces by their variant's key
-- (the primary key's prefix), and with one the engine preferred it to the primary
-- key for reading a variant's values, scanning the whole workspace.
-- A value sits in the column of its type and leaves the others NULL, so each
-- value index holds only the rows of its type, and a filter on a typed column
-- (`number_value > 10`) implies the index's condition.
CREATE INDEX asset_values_by_text ON asset_values (space_uid, path, text_value) WHERE text_value IS NOT NULL;
CREATE INDEX asset_values_by_number ON asset_values (space_uid, path, number_value) WHERE number_value IS NOT NULL;
CREATE INDEX asset_values_by_date ON asset_values (space_uid, path, date_value) WHERE date_value IS NOT NULL;
CREATE INDEX asset_values_by_bool ON asset_values (space_uid, path, bool_value) WHERE bool_value IS NOT NULL;

CREATE VIEW live_asset_values AS
SELECT t.space_uid, l.workspace_uid, t.asset_uid, t.locale, t.path, t.ord, t.seq, t.workspace_uid AS owner_uid,
    t.text_value, t.number_value, t.date_value, t.bool_value
FROM workspace_lineage l
JOIN asset_values t ON t.space_uid = l.space_uid AND t.workspace_uid = l.ancestor_uid AND t.seq <= l.max_seq
    AND (t.superseded_seq IS NULL OR t.superseded_seq > l.max_seq)
WHERE t.tombstone = 0 AND (l.depth = 0 OR (
    NOT EXISTS (SELECT 1 FROM asset_values o WHERE o.space_uid = l.space_uid AND o.workspace_uid = l.workspace_uid
        AND o.asset_uid = t.asset_uid AND o.locale = t.locale AND o.path = t.path AND o.ord = t.ord)
    AND (l.depth = 1 OR NOT EXISTS (
        SELECT 1 FROM workspace_lineage l2 JOIN asset_values t2 ON t2.space_uid = l2.space_uid
            AND t2.workspace_uid = l2.ancestor_uid AND t2.asset_uid = t.asset_uid AND t2.locale = t.locale
            AND t2.path = t.path AND t2.ord = t.ord AND t2.seq <= l2.max_seq
        WHERE l2.space_uid = l.space_uid AND l2.workspace_uid = l.workspace_uid
            AND l2.depth > 0 AND l2.depth < l.depth))));

-- Derived tables the server rebuilds at start, once each.
CREATE TABLE pending_rebuilds (
    name  TEXT PRIMARY KEY
);
INSERT INTO pending_rebuilds (name) VALUES ('asset_values');
