-- Trove's schema. One DDL serves SQLite and PostgreSQL: only TEXT and BIGINT
-- columns (times are Unix milliseconds, JSON is TEXT), so every query reads the
-- same types on both.

CREATE TABLE organizations (
    uid         TEXT PRIMARY KEY,
    singleton   BIGINT NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    uid         TEXT PRIMARY KEY,
    org_uid     TEXT NOT NULL REFERENCES organizations (uid),
    email       TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    uid         TEXT PRIMARY KEY,
    user_uid    TEXT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE languages (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    fallback_code  TEXT REFERENCES languages (code),
    is_default     BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL
);

INSERT INTO languages (code, name, fallback_code, is_default, created_at)
VALUES ('en-us', 'English - United States', NULL, 1, 0);

CREATE TABLE spaces (
    uid          TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    description  TEXT,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE workspaces (
    space_uid       TEXT NOT NULL REFERENCES spaces (uid) ON DELETE CASCADE,
    uid             TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    source_uid      TEXT,
    default_locale  TEXT NOT NULL REFERENCES languages (code),
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (space_uid, uid)
);

CREATE TABLE workspace_languages (
    space_uid      TEXT NOT NULL,
    workspace_uid  TEXT NOT NULL,
    locale         TEXT NOT NULL REFERENCES languages (code),
    PRIMARY KEY (space_uid, workspace_uid, locale),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE
);

-- Folders live per workspace. deleted_at marks the trash; trashed_with names the
-- folder whose deletion took this row along (NULL when deleted directly).
CREATE TABLE folders (
    space_uid      TEXT NOT NULL,
    workspace_uid  TEXT NOT NULL,
    uid            TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT,
    parent_uid     TEXT,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    deleted_by     TEXT,
    deleted_at     BIGINT,
    trashed_with   TEXT,
    PRIMARY KEY (space_uid, workspace_uid, uid),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE
);
CREATE INDEX folders_by_parent ON folders (space_uid, workspace_uid, parent_uid);
CREATE INDEX folders_by_deleted_at ON folders (deleted_at);

-- An asset's identity, shared by every workspace and locale.
CREATE TABLE assets (
    space_uid       TEXT NOT NULL REFERENCES spaces (uid) ON DELETE CASCADE,
    uid             TEXT NOT NULL,
    slug            TEXT NOT NULL,
    slug_is_custom  BIGINT NOT NULL DEFAULT 0,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (space_uid, uid)
);

-- Content-addressed bytes, stored once however many files use them.
CREATE TABLE blobs (
    hash         TEXT PRIMARY KEY,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);

-- One row per upload about to reference a blob: protects the blob from garbage
-- collection until the upload's file row exists (which deletes the lease) or the
-- lease expires (the upload died).
CREATE TABLE blob_leases (
    lease_id     TEXT PRIMARY KEY,
    hash         TEXT NOT NULL REFERENCES blobs (hash) ON DELETE CASCADE,
    until        BIGINT NOT NULL
);
CREATE INDEX blob_leases_by_hash ON blob_leases (hash);

-- One stored file of an asset: what a file URL addresses. Never changes.
CREATE TABLE files (
    uid           TEXT PRIMARY KEY,
    space_uid     TEXT NOT NULL,
    asset_uid     TEXT NOT NULL,
    blob_hash     TEXT NOT NULL REFERENCES blobs (hash),
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    width         BIGINT,
    height        BIGINT,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    FOREIGN KEY (space_uid, asset_uid) REFERENCES assets (space_uid, uid) ON DELETE CASCADE
);
CREATE INDEX files_by_blob ON files (blob_hash);
CREATE INDEX files_by_asset ON files (space_uid, asset_uid);

-- An asset's presence in a workspace: folder placement and trash state.
CREATE TABLE workspace_assets (
    space_uid      TEXT NOT NULL,
    workspace_uid  TEXT NOT NULL,
    asset_uid      TEXT NOT NULL,
    parent_uid     TEXT,
    deleted_by     TEXT,
    deleted_at     BIGINT,
    trashed_with   TEXT,
    PRIMARY KEY (space_uid, workspace_uid, asset_uid),
    FOREIGN KEY (space_uid, workspace_uid) REFERENCES workspaces (space_uid, uid) ON DELETE CASCADE,
    FOREIGN KEY (space_uid, asset_uid) REFERENCES assets (space_uid, uid) ON DELETE CASCADE
);
CREATE INDEX workspace_assets_by_parent ON workspace_assets (space_uid, workspace_uid, parent_uid);
CREATE INDEX workspace_assets_by_deleted_at ON workspace_assets (deleted_at);

-- A localized variant of an asset in a workspace, with its head version number
-- (the compare-and-set target of optimistic concurrency).
CREATE TABLE asset_locales (
    space_uid      TEXT NOT NULL,
    workspace_uid  TEXT NOT NULL,
    asset_uid      TEXT NOT NULL,
    locale         TEXT NOT NULL REFERENCES languages (code),
    head_version   BIGINT NOT NULL,
    PRIMARY KEY (space_uid, workspace_uid, asset_uid, locale),
    FOREIGN KEY (space_uid, workspace_uid, asset_uid)
        REFERENCES workspace_assets (space_uid, workspace_uid, asset_uid) ON DELETE CASCADE
);

-- Immutable versions. Only `name` may change after insert.
CREATE TABLE asset_versions (
    space_uid      TEXT NOT NULL,
    workspace_uid  TEXT NOT NULL,
    asset_uid      TEXT NOT NULL,
    locale         TEXT NOT NULL,
    number         BIGINT NOT NULL,
    name           TEXT,
    title          TEXT NOT NULL,
    description    TEXT,
    tags           TEXT NOT NULL,
    custom         TEXT NOT NULL,
    -- Deferred: deleting a space cascades to files and versions along two paths,
    -- and the reference is only checked once both have run.
    file_uid       TEXT NOT NULL REFERENCES files (uid) DEFERRABLE INITIALLY DEFERRED,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (space_uid, workspace_uid, asset_uid, locale, number),
    FOREIGN KEY (space_uid, workspace_uid, asset_uid, locale)
        REFERENCES asset_locales (space_uid, workspace_uid, asset_uid, locale) ON DELETE CASCADE
);
CREATE INDEX asset_versions_by_file ON asset_versions (file_uid);

-- Periodic jobs claimed by one node at a time.
CREATE TABLE job_claims (
    name           TEXT PRIMARY KEY,
    holder         TEXT NOT NULL,
    claimed_until  BIGINT NOT NULL
);
