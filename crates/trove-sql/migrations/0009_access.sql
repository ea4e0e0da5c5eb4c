-- Access control: users with passwords, sessions, tokens of users and spaces,
-- custom organization and space roles, and space membership.

ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
ALTER TABLE users ADD COLUMN updated_at BIGINT;
-- A one-time set-up link's secret (hashed) and when it stops working.
ALTER TABLE users ADD COLUMN setup_hash TEXT;
ALTER TABLE users ADD COLUMN setup_expires_at BIGINT;

-- Tokens of a user (kind 'api', user_uid set), of a space with a role (kind
-- 'api', space_uid and role_uid set) and read-only delivery tokens of a space
-- (kind 'delivery'). Only the SHA-256 of the secret is stored. Every request
-- reads its token row, so a revocation is seen by every node at once.
CREATE TABLE tokens (
    uid         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    user_uid    TEXT REFERENCES users (uid) ON DELETE CASCADE,
    space_uid   TEXT REFERENCES spaces (uid) ON DELETE CASCADE,
    role_uid    TEXT,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX tokens_by_user ON tokens (user_uid);
CREATE INDEX tokens_by_space ON tokens (space_uid);
INSERT INTO tokens (uid, kind, name, token_hash, user_uid, space_uid, role_uid, created_by, created_at, expires_at, revoked_at)
SELECT uid, 'api', name, token_hash, user_uid, NULL, NULL, user_uid, created_at, NULL, revoked_at FROM api_tokens;
DROP TABLE api_tokens;

-- Browser sessions: the cookie's secret and the CSRF token, both hashed.
CREATE TABLE sessions (
    uid         TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    csrf_hash   TEXT NOT NULL,
    user_uid    TEXT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_uid);

-- Custom organization roles (the built-in ones are code, with fixed UIDs).
CREATE TABLE org_roles (
    uid          TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    description  TEXT,
    permissions  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- Custom space roles; definition is the JSON of workspaces, rules and locales.
CREATE TABLE space_roles (
    space_uid    TEXT NOT NULL REFERENCES spaces (uid) ON DELETE CASCADE,
    uid          TEXT NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT,
    definition   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (space_uid, uid),
    UNIQUE (space_uid, name)
);

-- Membership: one row per role a member holds (the owner holds space_owner).
-- user_uid is checked by the writes that add members and removed with the user
-- (not a foreign key: a space's creator is recorded as its owner as it is made).
CREATE TABLE space_members (
    space_uid  TEXT NOT NULL REFERENCES spaces (uid) ON DELETE CASCADE,
    user_uid   TEXT NOT NULL,
    role_uid   TEXT NOT NULL,
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (space_uid, user_uid, role_uid)
);
CREATE INDEX space_members_by_user ON space_members (user_uid, space_uid);
CREATE INDEX space_members_by_role ON space_members (space_uid, role_uid);

-- Until now every user was a product admin who saw every space: each keeps
-- seeing them, the creator as the owner and the others as space admins.
INSERT INTO space_members (space_uid, user_uid, role_uid, added_at)
SELECT s.uid, u.uid, CASE WHEN u.uid = s.created_by THEN 'space_owner' ELSE 'space_admin' END, s.created_at
FROM spaces s JOIN users u ON u.role = 'product_admin';
CREATE UNIQUE INDEX space_members_one_owner ON space_members (space_uid) WHERE role_uid = 'space_owner';
