-- The outbox: one row per change, written by the transaction that made the
-- change (the overlay Writer is the only way to commit one, and it writes these
-- rows before it commits). So a change exists if and only if its events do: the
-- audit log reads them, and later consumers (search upkeep, media analysis,
-- webhooks) follow the same stream without missing a committed change or seeing
-- an uncommitted one.
--
-- id is "ev" + a ULID: unique across nodes and ordered by time within a node;
-- readers order by (at, id). space_uid is NULL for organization-level changes
-- (users, roles, languages, fields, asset types). Rows outlive what they name:
-- the record of a deleted space or user stays readable.
CREATE TABLE outbox (
    id             TEXT PRIMARY KEY,
    at             BIGINT NOT NULL,
    space_uid      TEXT,
    workspace_uid  TEXT,
    action         TEXT NOT NULL,
    actor_uid      TEXT NOT NULL,
    credential     TEXT,
    asset_uid      TEXT,
    locale         TEXT,
    version        BIGINT,
    target_uid     TEXT,
    detail         TEXT
);
CREATE INDEX outbox_by_space ON outbox (space_uid, at, id);
CREATE INDEX outbox_by_asset ON outbox (space_uid, asset_uid, at, id);
CREATE INDEX outbox_by_time ON outbox (at, id);
