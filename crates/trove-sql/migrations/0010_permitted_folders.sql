-- Lists narrowed to some folders (a role that reads only its folders, and the
-- folder filter of every list) count and page the placements of those folders
-- alone: the folder index now carries every column the live-placement test and
-- the language test read, so an engine answers from the index without visiting
-- a row per placement. At 100,000 assets, counting a tenth of them this way is
-- a fraction of counting them all.
DROP INDEX workspace_assets_by_parent;
CREATE INDEX workspace_assets_by_parent ON workspace_assets
    (space_uid, workspace_uid, parent_uid, seq, superseded_seq, tombstone, deleted_at, locales, asset_uid);
