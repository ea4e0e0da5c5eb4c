-- Localized variants.
--
-- A locale's head remembers the version its current variant started at, so
-- versions of a variant that was unlocalized stay out of the history of a later
-- one (they remain stored: forks and merge bases taken before may still read them).
ALTER TABLE asset_locales ADD COLUMN first_version BIGINT NOT NULL DEFAULT 1;

-- Each placement row records the locales the asset has a variant in, as seen by
-- its workspace at that row's time (',en-us,fr-fr,'), so a page of a locale's
-- assets filters in the same pass that reads the placements. Until now every
-- asset had exactly one variant, in its workspace's default language.
ALTER TABLE workspace_assets ADD COLUMN locales TEXT NOT NULL DEFAULT '';
-- (A placement whose asset has no such head anywhere, which an earlier merge after
-- a purge could leave, lists none and so is no longer listed.)
UPDATE workspace_assets SET locales = ',' || (SELECT w.default_locale FROM workspaces w
    WHERE w.space_uid = workspace_assets.space_uid AND w.uid = workspace_assets.workspace_uid) || ','
WHERE EXISTS (SELECT 1 FROM asset_locales al JOIN workspaces w ON w.space_uid = al.space_uid
    AND w.uid = workspace_assets.workspace_uid
    WHERE al.space_uid = workspace_assets.space_uid AND al.asset_uid = workspace_assets.asset_uid
    AND al.locale = w.default_locale AND al.tombstone = 0);

DROP VIEW live_workspace_assets;
CREATE VIEW live_workspace_assets AS
SELECT t.space_uid, l.workspace_uid, t.asset_uid, t.seq, t.workspace_uid AS owner_uid, t.parent_uid,
    t.deleted_by, t.deleted_at, t.trashed_with, t.locales
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

-- Bumped by every change of the organization's languages, and read with every
-- workspace, so each node can keep the fallback map in memory and know when it
-- is stale without asking for it. One row.
CREATE TABLE language_clock (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO language_clock (id, version) VALUES (1, 0);

-- Alternative text, per locale and version like the other content fields.
ALTER TABLE asset_versions ADD COLUMN alt_text TEXT;
DROP VIEW live_asset_versions;
CREATE VIEW live_asset_versions AS
SELECT t.space_uid, l.workspace_uid, t.asset_uid, t.locale, t.number, t.seq, t.workspace_uid AS owner_uid,
    t.title, t.description, t.alt_text, t.tags, t.custom, t.file_uid, t.merged_from, t.created_by, t.created_at
FROM workspace_lineage l
JOIN asset_versions t ON t.space_uid = l.space_uid AND t.workspace_uid = l.ancestor_uid AND t.seq <= l.max_seq;

DROP VIEW live_asset_locales;
CREATE VIEW live_asset_locales AS
SELECT t.space_uid, l.workspace_uid, t.asset_uid, t.locale, t.seq, t.workspace_uid AS owner_uid, t.head_version,
    t.first_version
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
