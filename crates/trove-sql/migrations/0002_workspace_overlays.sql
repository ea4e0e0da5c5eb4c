-- Workspaces as copy-on-write overlays.
--
-- A fork copies no rows: it records its lineage (itself, then its source as of the
-- fork, then the source's own lineage), and every read resolves each key through
-- that lineage. The per-workspace tables become temporal: a change never updates a
-- row in place but closes it (superseded_seq) and appends its successor, so an
-- ancestor's state as of any fork point stays readable, and a fork costs the same
-- whatever the size of the library.
--
-- seq values come from spaces.clock, bumped first by every write transaction of a
-- space; that bump also serializes a space's writers, so forks and writes are
-- totally ordered.

ALTER TABLE spaces ADD COLUMN clock BIGINT NOT NULL DEFAULT 0;

ALTER TABLE workspaces ADD COLUMN fork_seq BIGINT;
ALTER TABLE workspaces ADD COLUMN merged_seq BIGINT;
ALTER TABLE workspaces ADD COLUMN updated_by TEXT;
ALTER TABLE workspaces ADD COLUMN updated_at BIGINT;
UPDATE workspaces SET updated_by = created_by, updated_at = created_at;

-- Where a workspace reads from, nearest first: depth 0 is the workspace itself
-- (max_seq = the largest BIGINT), then each ancestor with the newest seq of it that
-- the workspace may see.
CREATE TABLE workspace_lineage (
    space_uid      TEXT NOT NULL,
    workspace_uid  TEXT NOT NULL,
    depth          BIGINT NOT NULL,
    ancestor_uid   TEXT NOT NULL,
    max_seq        BIGINT NOT NULL,
    PRIMARY KEY (space_uid, workspace_uid, depth),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE
);
CREATE INDEX workspace_lineage_by_ancestor ON workspace_lineage (space_uid, ancestor_uid);
INSERT INTO workspace_lineage (space_uid, workspace_uid, depth, ancestor_uid, max_seq)
SELECT space_uid, uid, 0, uid, 9223372036854775807 FROM workspaces;

-- The temporal tables. Every row is valid from seq until superseded_seq (NULL: still
-- current); a tombstone row records that the key is gone in this workspace although
-- an ancestor still has it.
CREATE TABLE folders_v2 (
    space_uid       TEXT NOT NULL,
    workspace_uid   TEXT NOT NULL,
    uid             TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    superseded_seq  BIGINT,
    tombstone       BIGINT NOT NULL DEFAULT 0,
    title           TEXT NOT NULL,
    description     TEXT,
    parent_uid      TEXT,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    deleted_by      TEXT,
    deleted_at      BIGINT,
    trashed_with    TEXT,
    PRIMARY KEY (space_uid, workspace_uid, uid, seq),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE
);
INSERT INTO folders_v2 (space_uid, workspace_uid, uid, seq, superseded_seq, tombstone, title, description,
    parent_uid, created_by, created_at, updated_by, updated_at, deleted_by, deleted_at, trashed_with)
SELECT space_uid, workspace_uid, uid, 0, NULL, 0, title, description, parent_uid, created_by, created_at,
    updated_by, updated_at, deleted_by, deleted_at, trashed_with FROM folders;

CREATE TABLE workspace_assets_v2 (
    space_uid       TEXT NOT NULL,
    workspace_uid   TEXT NOT NULL,
    asset_uid       TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    superseded_seq  BIGINT,
    tombstone       BIGINT NOT NULL DEFAULT 0,
    parent_uid      TEXT,
    deleted_by      TEXT,
    deleted_at      BIGINT,
    trashed_with    TEXT,
    PRIMARY KEY (space_uid, workspace_uid, asset_uid, seq),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE,
    FOREIGN KEY (space_uid, asset_uid) REFERENCES assets (space_uid, uid) ON DELETE CASCADE
);
INSERT INTO workspace_assets_v2 (space_uid, workspace_uid, asset_uid, seq, superseded_seq, tombstone, parent_uid,
    deleted_by, deleted_at, trashed_with)
SELECT space_uid, workspace_uid, asset_uid, 0, NULL, 0, parent_uid, deleted_by, deleted_at, trashed_with
FROM workspace_assets;

CREATE TABLE asset_locales_v2 (
    space_uid       TEXT NOT NULL,
    workspace_uid   TEXT NOT NULL,
    asset_uid       TEXT NOT NULL,
    locale          TEXT NOT NULL REFERENCES languages (code),
    seq             BIGINT NOT NULL,
    superseded_seq  BIGINT,
    tombstone       BIGINT NOT NULL DEFAULT 0,
    head_version    BIGINT NOT NULL,
    PRIMARY KEY (space_uid, workspace_uid, asset_uid, locale, seq),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE,
    FOREIGN KEY (space_uid, asset_uid) REFERENCES assets (space_uid, uid) ON DELETE CASCADE
);
INSERT INTO asset_locales_v2 (space_uid, workspace_uid, asset_uid, locale, seq, superseded_seq, tombstone, head_version)
SELECT space_uid, workspace_uid, asset_uid, locale, 0, NULL, 0, head_version FROM asset_locales;

-- Versions stay immutable; their names move to an overlay of their own so naming a
-- version a fork inherited changes nothing in the source. merged_from names the
-- workspace a merge brought the version from.
CREATE TABLE asset_versions_v2 (
    space_uid      TEXT NOT NULL,
    workspace_uid  TEXT NOT NULL,
    asset_uid      TEXT NOT NULL,
    locale         TEXT NOT NULL,
    number         BIGINT NOT NULL,
    seq            BIGINT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT,
    tags           TEXT NOT NULL,
    custom         TEXT NOT NULL,
    file_uid       TEXT NOT NULL REFERENCES files (uid) DEFERRABLE INITIALLY DEFERRED,
    merged_from    TEXT,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (space_uid, workspace_uid, asset_uid, locale, number),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE,
    FOREIGN KEY (space_uid, asset_uid) REFERENCES assets (space_uid, uid) ON DELETE CASCADE
);
INSERT INTO asset_versions_v2 (space_uid, workspace_uid, asset_uid, locale, number, seq, title, description, tags,
    custom, file_uid, merged_from, created_by, created_at)
SELECT space_uid, workspace_uid, asset_uid, locale, number, 0, title, description, tags, custom, file_uid, NULL,
    created_by, created_at FROM asset_versions;

CREATE TABLE version_names (
    space_uid       TEXT NOT NULL,
    workspace_uid   TEXT NOT NULL,
    asset_uid       TEXT NOT NULL,
    locale          TEXT NOT NULL,
    number          BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    superseded_seq  BIGINT,
    tombstone       BIGINT NOT NULL DEFAULT 0,
    name            TEXT,
    PRIMARY KEY (space_uid, workspace_uid, asset_uid, locale, number, seq),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE,
    FOREIGN KEY (space_uid, asset_uid) REFERENCES assets (space_uid, uid) ON DELETE CASCADE
);
INSERT INTO version_names (space_uid, workspace_uid, asset_uid, locale, number, seq, superseded_seq, tombstone, name)
SELECT space_uid, workspace_uid, asset_uid, locale, number, 0, NULL, 0, name FROM asset_versions WHERE name IS NOT NULL;

-- Children before parents, so no drop cascades into a table still being kept.
DROP TABLE asset_versions;
DROP TABLE asset_locales;
DROP TABLE workspace_assets;
DROP TABLE folders;
ALTER TABLE asset_versions_v2 RENAME TO asset_versions;
ALTER TABLE asset_locales_v2 RENAME TO asset_locales;
ALTER TABLE workspace_assets_v2 RENAME TO workspace_assets;
ALTER TABLE folders_v2 RENAME TO folders;

CREATE INDEX folders_by_parent ON folders (space_uid, workspace_uid, parent_uid);
CREATE INDEX folders_by_deleted_at ON folders (deleted_at);
CREATE INDEX workspace_assets_by_parent ON workspace_assets (space_uid, workspace_uid, parent_uid);
CREATE INDEX workspace_assets_by_deleted_at ON workspace_assets (deleted_at);
CREATE INDEX workspace_assets_by_asset ON workspace_assets (space_uid, asset_uid);
CREATE INDEX asset_versions_by_file ON asset_versions (file_uid);
-- A transaction's own rows (closing what they replace) and the rows changed since a
-- merge base.
CREATE INDEX folders_by_seq ON folders (space_uid, workspace_uid, seq);
CREATE INDEX workspace_assets_by_seq ON workspace_assets (space_uid, workspace_uid, seq);
CREATE INDEX asset_locales_by_seq ON asset_locales (space_uid, workspace_uid, seq);
CREATE INDEX version_names_by_seq ON version_names (space_uid, workspace_uid, seq);

-- The live state of every workspace: for each key, the row valid at the nearest
-- lineage entry that has the key at all, unless that row is a tombstone. The
-- column workspace_uid is the workspace looking; owner_uid is where the row lives.
-- A workspace's own rows need no check (depth 0), and the nearest shadowing
-- candidate, the workspace itself, is tested by one key lookup before the general
-- walk over intermediate ancestors, which only forks of forks need.
CREATE VIEW live_folders AS
SELECT t.space_uid, l.workspace_uid, t.uid, t.seq, t.workspace_uid AS owner_uid, t.title, t.description,
    t.parent_uid, t.created_by, t.created_at, t.updated_by, t.updated_at, t.deleted_by, t.deleted_at, t.trashed_with
FROM workspace_lineage l
JOIN folders t ON t.space_uid = l.space_uid AND t.workspace_uid = l.ancestor_uid AND t.seq <= l.max_seq
    AND (t.superseded_seq IS NULL OR t.superseded_seq > l.max_seq)
WHERE t.tombstone = 0 AND (l.depth = 0 OR (
    NOT EXISTS (SELECT 1 FROM folders o WHERE o.space_uid = l.space_uid AND o.workspace_uid = l.workspace_uid
        AND o.uid = t.uid)
    AND (l.depth = 1 OR NOT EXISTS (
        SELECT 1 FROM workspace_lineage l2 JOIN folders t2 ON t2.space_uid = l2.space_uid
            AND t2.workspace_uid = l2.ancestor_uid AND t2.uid = t.uid AND t2.seq <= l2.max_seq
        WHERE l2.space_uid = l.space_uid AND l2.workspace_uid = l.workspace_uid
            AND l2.depth > 0 AND l2.depth < l.depth))));

CREATE VIEW live_workspace_assets AS
SELECT t.space_uid, l.workspace_uid, t.asset_uid, t.seq, t.workspace_uid AS owner_uid, t.parent_uid,
    t.deleted_by, t.deleted_at, t.trashed_with
FROM workspace_lineage l
JOIN workspace_assets t ON t.space_uid = l.space_uid AND t.workspace_uid = l.ancestor_uid AND t.seq <= l.max_seq
    AND (t.superseded_seq IS NULL OR t.superseded_seq > l.max_seq)
WHERE t.tombstone = 0 AND (l.depth = 0 OR (
    NOT EXISTS (SELECT 1 FROM workspace_assets o WHERE o.space_uid = l.space_uid AND o.workspace_uid = l.workspace_uid
        AND o.asset_uid = t.asset_uid)
    AND (l.depth = 1 OR NOT EXISTS (
        SELECT 1 FROM workspace_lineage l2 JOIN workspace_assets t2 ON t2.space_uid = l2.space_uid
            AND t2.workspace_uid = l2.ancestor_uid AND t2.asset_uid = t.asset_uid AND t2.seq <= l2.max_seq
        WHERE l2.space_uid = l.space_uid AND l2.workspace_uid = l.workspace_uid
            AND l2.depth > 0 AND l2.depth < l.depth))));

CREATE VIEW live_asset_locales AS
SELECT t.space_uid, l.workspace_uid, t.asset_uid, t.locale, t.seq, t.workspace_uid AS owner_uid, t.head_version
FROM workspace_lineage l
JOIN asset_locales t ON t.space_uid = l.space_uid AND t.workspace_uid = l.ancestor_uid AND t.seq <= l.max_seq
    AND (t.superseded_seq IS NULL OR t.superseded_seq > l.max_seq)
WHERE t.tombstone = 0 AND (l.depth = 0 OR (
    NOT EXISTS (SELECT 1 FROM asset_locales o WHERE o.space_uid = l.space_uid AND o.workspace_uid = l.workspace_uid
        AND o.asset_uid = t.asset_uid AND o.locale = t.locale)
    AND (l.depth = 1 OR NOT EXISTS (
        SELECT 1 FROM workspace_lineage l2 JOIN asset_locales t2 ON t2.space_uid = l2.space_uid
            AND t2.workspace_uid = l2.ancestor_uid AND t2.asset_uid = t.asset_uid AND t2.locale = t.locale AND t2.seq <= l2.max_seq
        WHERE l2.space_uid = l.space_uid AND l2.workspace_uid = l.workspace_uid
            AND l2.depth > 0 AND l2.depth < l.depth))));

CREATE VIEW live_version_names AS
SELECT t.space_uid, l.workspace_uid, t.asset_uid, t.locale, t.number, t.seq, t.workspace_uid AS owner_uid, t.name
FROM workspace_lineage l
JOIN version_names t ON t.space_uid = l.space_uid AND t.workspace_uid = l.ancestor_uid AND t.seq <= l.max_seq
    AND (t.superseded_seq IS NULL OR t.superseded_seq > l.max_seq)
WHERE t.tombstone = 0 AND (l.depth = 0 OR (
    NOT EXISTS (SELECT 1 FROM version_names o WHERE o.space_uid = l.space_uid AND o.workspace_uid = l.workspace_uid
        AND o.asset_uid = t.asset_uid AND o.locale = t.locale AND o.number = t.number)
    AND (l.depth = 1 OR NOT EXISTS (
        SELECT 1 FROM workspace_lineage l2 JOIN version_names t2 ON t2.space_uid = l2.space_uid
            AND t2.workspace_uid = l2.ancestor_uid AND t2.asset_uid = t.asset_uid AND t2.locale = t.locale AND t2.number = t.number AND t2.seq <= l2.max_seq
        WHERE l2.space_uid = l.space_uid AND l2.workspace_uid = l.workspace_uid
            AND l2.depth > 0 AND l2.depth < l.depth))));

-- Versions are immutable and numbered past whatever a fork inherited, so a
-- workspace's versions are simply every lineage entry's versions it may see.
CREATE VIEW live_asset_versions AS
SELECT t.space_uid, l.workspace_uid, t.asset_uid, t.locale, t.number, t.seq, t.workspace_uid AS owner_uid,
    t.title, t.description, t.tags, t.custom, t.file_uid, t.merged_from, t.created_by, t.created_at
FROM workspace_lineage l
JOIN asset_versions t ON t.space_uid = l.space_uid AND t.workspace_uid = l.ancestor_uid AND t.seq <= l.max_seq;
