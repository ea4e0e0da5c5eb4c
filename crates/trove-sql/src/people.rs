//! Users, tokens and sessions.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use trove_app::ports::PeopleRepo;
use trove_domain::access::{Credential, Principal};
use trove_domain::audit::Event;
use trove_domain::model::{Page, PageRequest, Timestamp};
use trove_domain::people::{Login, NewUser, Session, Token, TokenKind, User, UserChange};
use trove_domain::{Error, Result};

use crate::rows::{get, ms, ts};
use crate::writer::begin_org_write;
use crate::{SqlStore, db_err};

const USER_COLUMNS: &str = "uid, email, name, role, disabled_at, CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS has_password, \
     created_at, updated_at";

fn user_from_row(r: &AnyRow) -> Result<User> {
    let created_at: i64 = get(r, "created_at")?;
    let updated_at: Option<i64> = get(r, "updated_at")?;
    let has_password = get::<i64>(r, "has_password")? != 0;
    Ok(User {
        uid: get(r, "uid")?,
        email: get(r, "email")?,
        name: get(r, "name")?,
        org_role: get(r, "role")?,
        disabled: get::<Option<i64>>(r, "disabled_at")?.is_some(),
        has_password,
        created_at: ts(created_at),
        updated_at: ts(updated_at.unwrap_or(created_at)),
    })
}

const TOKEN_COLUMNS: &str =
    "uid, kind, name, user_uid, space_uid, role_uid, created_by, created_at, expires_at, revoked_at";

fn token_from_row(r: &AnyRow) -> Result<Token> {
    let kind: String = get(r, "kind")?;
    Ok(Token {
        uid: get(r, "uid")?,
        kind: if kind == "delivery" { TokenKind::Delivery } else { TokenKind::Api },
        name: get(r, "name")?,
        user_uid: get(r, "user_uid")?,
        space_uid: get(r, "space_uid")?,
        role_uid: get(r, "role_uid")?,
        created_by: get(r, "created_by")?,
        created_at: ts(get(r, "created_at")?),
        expires_at: get::<Option<i64>>(r, "expires_at")?.map(ts),
        revoked_at: get::<Option<i64>>(r, "revoked_at")?.map(ts),
    })
}

fn email_taken(email: &str) -> Error {
    let mut e = Error::conflict("email_taken", format!("a user with e-mail {email} already exists"));
    e.fields.insert("email".to_owned(), vec!["is taken".to_owned()]);
    e
}

/// The organization rights of an organization role: a built-in role's, or a
/// custom role's stored grid.
pub(crate) async fn grants_of(store: &SqlStore, role: &str) -> Result<trove_domain::access::OrgGrants> {
    if let Some(r) = trove_domain::access::builtin_org_roles().into_iter().find(|r| r.uid == role) {
        return Ok(r.permissions);
    }
    let stored: Option<String> = sqlx::query_scalar("SELECT permissions FROM org_roles WHERE uid = $1")
        .bind(role)
        .fetch_optional(&store.read)
        .await
        .map_err(db_err)?;
    // A role deleted under a user cannot happen (deletion refuses roles in use);
    // should it, the user has no rights rather than an error on every request.
    Ok(stored.and_then(|p| serde_json::from_str(&p).ok()).unwrap_or_default())
}

#[async_trait]
impl PeopleRepo for SqlStore {
    async fn create_user(&self, n: &NewUser) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE email = $1")
            .bind(&n.user.email)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
        if taken.is_some() {
            return Err(email_taken(&n.user.email));
        }
        sqlx::query(
            "INSERT INTO users (uid, org_uid, email, name, role, created_at, updated_at, password_hash, disabled_at, \
             setup_hash, setup_expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, NULL, $8, $9)",
        )
        .bind(&n.user.uid)
        .bind(&n.org_uid)
        .bind(&n.user.email)
        .bind(&n.user.name)
        .bind(&n.user.org_role)
        .bind(ms(n.user.created_at))
        .bind(n.password_hash.as_deref())
        .bind(n.setup.as_ref().map(|s| s.0.as_str()))
        .bind(n.setup.as_ref().map(|s| ms(s.1)))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        w.record(Event::new("user.create").target(&n.user.uid).detail(serde_json::json!({
            "email": n.user.email, "org_role": n.user.org_role
        })));
        w.commit().await
    }

    async fn list_users(&self, page: PageRequest) -> Result<Page<User>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY email LIMIT $1 OFFSET $2"
        )))
        .bind(page.limit)
        .bind(page.skip)
        .fetch_all(&self.read)
        .await
        .map_err(db_err)?;
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.read).await.map_err(db_err)?;
        Ok(Page { items: rows.iter().map(user_from_row).collect::<Result<_>>()?, count })
    }

    async fn get_user(&self, uid: &str) -> Result<Option<User>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE uid = $1")))
            .bind(uid)
            .fetch_optional(&self.read)
            .await
            .map_err(db_err)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn login_of(&self, email: &str) -> Result<Option<Login>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        )))
        .bind(email)
        .fetch_optional(&self.read)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(Login { user: user_from_row(&r)?, password_hash: get(&r, "password_hash")? }))
    }

    async fn update_user(&self, uid: &str, c: &UserChange) -> Result<Option<User>> {
        let mut w = begin_org_write(self).await?;
        let at = c.at.map(ms).unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
        let n = sqlx::query(
            "UPDATE users SET name = COALESCE($2, name), role = COALESCE($3, role), \
             disabled_at = CASE WHEN $4 = 1 THEN COALESCE(disabled_at, $7) WHEN $4 = 0 THEN NULL ELSE disabled_at END, \
             password_hash = COALESCE($5, password_hash), \
             setup_hash = CASE WHEN $5 IS NOT NULL THEN NULL ELSE COALESCE($6, setup_hash) END, \
             setup_expires_at = CASE WHEN $5 IS NOT NULL THEN NULL ELSE COALESCE($8, setup_expires_at) END, \
             updated_at = $7 WHERE uid = $1",
        )
        .bind(uid)
        .bind(c.name.as_deref())
        .bind(c.org_role.as_deref())
        .bind(c.disabled.map(i64::from).unwrap_or(-1))
        .bind(c.password_hash.as_deref())
        .bind(c.setup.as_ref().map(|s| s.0.as_str()))
        .bind(at)
        .bind(c.setup.as_ref().map(|s| ms(s.1)))
        .execute(w.conn())
        .await
        .map_err(db_err)?
        .rows_affected();
        if n == 0 {
            return Ok(None);
        }
        if c.password_hash.is_some() || c.disabled == Some(true) {
            sqlx::query("DELETE FROM sessions WHERE user_uid = $1")
                .bind(uid)
                .execute(w.conn())
                .await
                .map_err(db_err)?;
        }
        let mut changed = Vec::new();
        for (name, set) in [
            ("name", c.name.is_some()),
            ("org_role", c.org_role.is_some()),
            ("disabled", c.disabled.is_some()),
            ("password", c.password_hash.is_some()),
            ("setup_link", c.setup.is_some()),
        ] {
            if set {
                changed.push(name);
            }
        }
        let detail = serde_json::json!({ "changed": changed, "org_role": c.org_role, "disabled": c.disabled });
        w.record(Event::new("user.update").target(uid).detail(detail));
        w.commit().await?;
        self.get_user(uid).await
    }

    async fn delete_user(&self, uid: &str) -> Result<bool> {
        let mut w = begin_org_write(self).await?;
        let owns: Option<String> =
            sqlx::query_scalar("SELECT space_uid FROM space_members WHERE user_uid = $1 AND role_uid = 'space_owner'")
                .bind(uid)
                .fetch_optional(w.conn())
                .await
                .map_err(db_err)?;
        if let Some(space) = owns {
            return Err(Error::conflict(
                "user_owns_spaces",
                format!("the user owns space {space}; transfer its ownership first"),
            ));
        }
        let n = sqlx::query("DELETE FROM users WHERE uid = $1").bind(uid).execute(w.conn()).await.map_err(db_err)?;
        if n.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM space_members WHERE user_uid = $1")
            .bind(uid)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        w.record(Event::new("user.delete").target(uid));
        w.commit().await?;
        Ok(true)
    }

    async fn user_for_setup(&self, setup_hash: &str, now: Timestamp) -> Result<Option<User>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE setup_hash = $1 AND setup_expires_at > $2 AND disabled_at IS NULL"
        )))
        .bind(setup_hash)
        .bind(ms(now))
        .fetch_optional(&self.read)
        .await
        .map_err(db_err)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn create_token(&self, t: &Token, token_hash: &str) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO tokens ({TOKEN_COLUMNS}, token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)"
        )))
        .bind(&t.uid)
        .bind(t.kind.as_str())
        .bind(&t.name)
        .bind(t.user_uid.as_deref())
        .bind(t.space_uid.as_deref())
        .bind(t.role_uid.as_deref())
        .bind(&t.created_by)
        .bind(ms(t.created_at))
        .bind(t.expires_at.map(ms))
        .bind(token_hash)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        let mut e = Event::new("token.create").target(&t.uid).detail(serde_json::json!({
            "kind": t.kind, "user_uid": t.user_uid, "role_uid": t.role_uid
        }));
        e.space = t.space_uid.clone();
        w.record(e);
        w.commit().await
    }

    async fn get_token(&self, uid: &str) -> Result<Option<Token>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE uid = $1")))
            .bind(uid)
            .fetch_optional(&self.read)
            .await
            .map_err(db_err)?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn list_tokens(&self, user: Option<&str>, space: Option<&str>, kind: TokenKind) -> Result<Vec<Token>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE kind = $1 AND ($2 = '' OR user_uid = $2) \
             AND ($3 = '' OR space_uid = $3) AND revoked_at IS NULL ORDER BY created_at DESC, uid DESC"
        )))
        .bind(kind.as_str())
        .bind(user.unwrap_or(""))
        .bind(space.unwrap_or(""))
        .fetch_all(&self.read)
        .await
        .map_err(db_err)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, uid: &str, at: Timestamp) -> Result<bool> {
        let mut w = begin_org_write(self).await?;
        let space: Option<Option<String>> = sqlx::query_scalar(
            "UPDATE tokens SET revoked_at = $2 WHERE uid = $1 AND revoked_at IS NULL RETURNING space_uid",
        )
        .bind(uid)
        .bind(ms(at))
        .fetch_optional(w.conn())
        .await
        .map_err(db_err)?;
        let Some(space) = space else { return Ok(false) };
        let mut e = Event::new("token.revoke").target(uid);
        e.space = space;
        w.record(e);
        w.commit().await?;
        Ok(true)
    }

    async fn principal_for_token(&self, token_hash: &str, now: Timestamp) -> Result<Option<Principal>> {
        let row = sqlx::query(
            "SELECT t.uid, t.kind, t.user_uid, t.space_uid, t.role_uid, t.created_by, u.role, u.disabled_at, \
             c.uid AS creator, c.disabled_at AS creator_disabled_at, o.uid AS org_uid FROM tokens t \
             LEFT JOIN users u ON u.uid = t.user_uid LEFT JOIN users c ON c.uid = t.created_by \
             CROSS JOIN organizations o \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(token_hash)
        .bind(ms(now))
        .fetch_optional(&self.read)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let uid: String = get(&r, "uid")?;
        let org_uid: String = get(&r, "org_uid")?;
        let space: Option<String> = get(&r, "space_uid")?;
        let kind: String = get(&r, "kind")?;
        match (get::<Option<String>>(&r, "user_uid")?, space) {
            (Some(user), _) => {
                if get::<Option<i64>>(&r, "disabled_at")?.is_some() {
                    return Ok(None);
                }
                let role: String = get::<Option<String>>(&r, "role")?.unwrap_or_default();
                let grants = grants_of(self, &role).await?;
                Ok(Some(Principal {
                    user_uid: user,
                    org_uid,
                    org_role: role,
                    grants,
                    credential: Credential::UserToken(uid),
                }))
            }
            (None, Some(space)) => {
                // A space's token stops with its creator's account: disabled or
                // deleted, their tokens no longer work.
                let creator: Option<String> = get(&r, "creator")?;
                if creator.is_none() || get::<Option<i64>>(&r, "creator_disabled_at")?.is_some() {
                    return Ok(None);
                }
                let credential = if kind == "delivery" {
                    Credential::DeliveryToken { uid, space }
                } else {
                    let role: String = get::<Option<String>>(&r, "role_uid")?.unwrap_or_default();
                    Credential::SpaceToken { uid, space, role }
                };
                Ok(Some(Principal {
                    user_uid: get(&r, "created_by")?,
                    org_uid,
                    org_role: String::new(),
                    grants: Default::default(),
                    credential,
                }))
            }
            (None, None) => Ok(None),
        }
    }

    async fn create_session(&self, s: &Session) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        sqlx::query(
            "INSERT INTO sessions (uid, token_hash, csrf_hash, user_uid, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.uid)
        .bind(&s.token_hash)
        .bind(&s.csrf_hash)
        .bind(&s.user_uid)
        .bind(ms(s.created_at))
        .bind(ms(s.expires_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        // Expired sessions go as new ones come, so the table stays small.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(ms(s.created_at))
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        w.record(Event::new("session.create").target(&s.uid));
        w.commit().await
    }

    async fn principal_for_session(&self, token_hash: &str, now: Timestamp) -> Result<Option<(Principal, String)>> {
        let row = sqlx::query(
            "SELECT s.uid, s.csrf_hash, u.uid AS user_uid, u.role, u.org_uid FROM sessions s \
             JOIN users u ON u.uid = s.user_uid \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(ms(now))
        .fetch_optional(&self.read)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let role: String = get(&r, "role")?;
        let grants = grants_of(self, &role).await?;
        let p = Principal {
            user_uid: get(&r, "user_uid")?,
            org_uid: get(&r, "org_uid")?,
            org_role: role,
            grants,
            credential: Credential::Session(get(&r, "uid")?),
        };
        Ok(Some((p, get(&r, "csrf_hash")?)))
    }

    async fn delete_session(&self, uid: &str) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        sqlx::query("DELETE FROM sessions WHERE uid = $1").bind(uid).execute(w.conn()).await.map_err(db_err)?;
        w.record(Event::new("session.delete").target(uid));
        w.commit().await
    }
}
