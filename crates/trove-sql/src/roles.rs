//! Organization and space roles, and space membership.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use trove_app::ports::RoleRepo;
use trove_domain::access::{
    Credential, CustomRole, OrgRole, Principal, RoleKind, SPACE_ADMIN, SPACE_OWNER, SpaceRole, Standing,
    builtin_org_roles, builtin_space_role, builtin_space_roles,
};
use trove_domain::audit::Event;
use trove_domain::model::{Page, PageRequest, Timestamp};
use trove_domain::people::Member;
use trove_domain::{Error, Result};

use crate::rows::{get, ms, ts};
use crate::writer::{Writer, begin_org_write, begin_write};
use crate::{SqlStore, db_err};

fn role_in_use(uid: &str, by: &str) -> Error {
    Error::conflict("role_in_use", format!("the role {uid} is held by {by}; take it from them first"))
}

fn custom_from_row(r: &AnyRow) -> Result<SpaceRole> {
    let uid: String = get(r, "uid")?;
    let raw: String = get(r, "definition")?;
    let def: CustomRole = serde_json::from_str(&raw)
        .map_err(|e| Error::internal(format!("the stored role {uid} cannot be read: {e}")))?;
    Ok(SpaceRole { uid, name: get(r, "name")?, description: get(r, "description")?, kind: RoleKind::Custom(def) })
}

async fn member_roles(c: &mut sqlx::AnyConnection, space: &str, user: &str) -> Result<Vec<String>> {
    sqlx::query_scalar("SELECT role_uid FROM space_members WHERE space_uid = $1 AND user_uid = $2 ORDER BY role_uid")
        .bind(space)
        .bind(user)
        .fetch_all(c)
        .await
        .map_err(db_err)
}

/// Checks every role UID names a built-in space role or a custom role of the space.
async fn require_roles(w: &mut Writer, space: &str, roles: &[String]) -> Result<()> {
    for r in roles {
        if builtin_space_role(r).is_some() {
            continue;
        }
        let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM space_roles WHERE space_uid = $1 AND uid = $2")
            .bind(space)
            .bind(r)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
        if known.is_none() {
            let mut e = Error::new(
                trove_domain::ErrorKind::Validation,
                "unknown_role",
                format!("there is no role {r} in this space"),
            );
            e.fields.insert("roles".to_owned(), vec![format!("{r:?} is not a role of this space")]);
            return Err(e);
        }
    }
    Ok(())
}

#[async_trait]
impl RoleRepo for SqlStore {
    async fn list_org_roles(&self) -> Result<Vec<OrgRole>> {
        let rows = sqlx::query("SELECT uid, name, description, permissions FROM org_roles ORDER BY name")
            .fetch_all(&self.read)
            .await
            .map_err(db_err)?;
        let mut out = builtin_org_roles();
        for r in &rows {
            let uid: String = get(r, "uid")?;
            let raw: String = get(r, "permissions")?;
            let permissions = serde_json::from_str(&raw)
                .map_err(|e| Error::internal(format!("the stored role {uid} cannot be read: {e}")))?;
            out.push(OrgRole {
                uid,
                name: get(r, "name")?,
                description: get(r, "description")?,
                builtin: false,
                permissions,
            });
        }
        Ok(out)
    }

    async fn save_org_role(&self, role: &OrgRole, create: bool) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        let taken: Option<String> = sqlx::query_scalar("SELECT uid FROM org_roles WHERE name = $1 AND uid <> $2")
            .bind(&role.name)
            .bind(&role.uid)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
        if taken.is_some() || builtin_org_roles().iter().any(|b| b.name.eq_ignore_ascii_case(&role.name)) {
            let mut e = Error::conflict("role_exists", format!("a role named {:?} already exists", role.name));
            e.fields.insert("name".to_owned(), vec!["is taken".to_owned()]);
            return Err(e);
        }
        let now = chrono::Utc::now().timestamp_millis();
        let permissions = serde_json::to_string(&role.permissions).map_err(|e| Error::internal(e.to_string()))?;
        let sql = if create {
            "INSERT INTO org_roles (uid, name, description, permissions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)"
        } else {
            "UPDATE org_roles SET name = $2, description = $3, permissions = $4, updated_at = $5 WHERE uid = $1"
        };
        let n = sqlx::query(sql)
            .bind(&role.uid)
            .bind(&role.name)
            .bind(role.description.as_deref())
            .bind(permissions)
            .bind(now)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        if n.rows_affected() == 0 {
            return Err(Error::not_found("role_not_found", format!("role {} does not exist", role.uid)));
        }
        w.record(Event::new(if create { "role.create" } else { "role.update" }).target(&role.uid));
        w.commit().await
    }

    async fn delete_org_role(&self, uid: &str) -> Result<bool> {
        let mut w = begin_org_write(self).await?;
        let holder: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE role = $1 LIMIT 1")
            .bind(uid)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
        if let Some(h) = holder {
            return Err(role_in_use(uid, &h));
        }
        let n =
            sqlx::query("DELETE FROM org_roles WHERE uid = $1").bind(uid).execute(w.conn()).await.map_err(db_err)?;
        if n.rows_affected() == 0 {
            return Ok(false);
        }
        w.record(Event::new("role.delete").target(uid));
        w.commit().await?;
        Ok(true)
    }

    async fn list_space_roles(&self, space: &str) -> Result<Vec<SpaceRole>> {
        let rows = sqlx::query(
            "SELECT uid, name, description, definition FROM space_roles WHERE space_uid = $1 ORDER BY name",
        )
        .bind(space)
        .fetch_all(&self.read)
        .await
        .map_err(db_err)?;
        let mut out = builtin_space_roles();
        for r in &rows {
            out.push(custom_from_row(r)?);
        }
        Ok(out)
    }

    async fn save_space_role(&self, space: &str, role: &SpaceRole, create: bool) -> Result<()> {
        let RoleKind::Custom(def) = &role.kind else {
            return Err(Error::conflict("builtin_role", "built-in roles cannot be changed"));
        };
        let mut w = begin_write(self, space).await?;
        let taken: Option<String> =
            sqlx::query_scalar("SELECT uid FROM space_roles WHERE space_uid = $1 AND name = $2 AND uid <> $3")
                .bind(space)
                .bind(&role.name)
                .bind(&role.uid)
                .fetch_optional(w.conn())
                .await
                .map_err(db_err)?;
        if taken.is_some() || builtin_space_roles().iter().any(|b| b.name.eq_ignore_ascii_case(&role.name)) {
            let mut e = Error::conflict("role_exists", format!("a role named {:?} already exists", role.name));
            e.fields.insert("name".to_owned(), vec!["is taken".to_owned()]);
            return Err(e);
        }
        let now = chrono::Utc::now().timestamp_millis();
        let definition = serde_json::to_string(def).map_err(|e| Error::internal(e.to_string()))?;
        let sql = if create {
            "INSERT INTO space_roles (space_uid, uid, name, description, definition, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)"
        } else {
            "UPDATE space_roles SET name = $3, description = $4, definition = $5, updated_at = $6 \
             WHERE space_uid = $1 AND uid = $2"
        };
        let n = sqlx::query(sql)
            .bind(space)
            .bind(&role.uid)
            .bind(&role.name)
            .bind(role.description.as_deref())
            .bind(definition)
            .bind(now)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        if n.rows_affected() == 0 {
            return Err(Error::not_found("role_not_found", format!("role {} does not exist", role.uid)));
        }
        w.record(Event::new(if create { "role.create" } else { "role.update" }).target(&role.uid));
        w.commit().await
    }

    async fn delete_space_role(&self, space: &str, uid: &str) -> Result<bool> {
        let mut w = begin_write(self, space).await?;
        let holder: Option<String> = sqlx::query_scalar(
            "SELECT user_uid FROM space_members WHERE space_uid = $1 AND role_uid = $2 \
             UNION SELECT uid FROM tokens WHERE space_uid = $1 AND role_uid = $2 AND revoked_at IS NULL LIMIT 1",
        )
        .bind(space)
        .bind(uid)
        .fetch_optional(w.conn())
        .await
        .map_err(db_err)?;
        if let Some(h) = holder {
            return Err(role_in_use(uid, &h));
        }
        let n = sqlx::query("DELETE FROM space_roles WHERE space_uid = $1 AND uid = $2")
            .bind(space)
            .bind(uid)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        if n.rows_affected() == 0 {
            return Ok(false);
        }
        w.record(Event::new("role.delete").target(uid));
        w.commit().await?;
        Ok(true)
    }

    async fn standing(&self, space: &str, who: &Principal) -> Result<Standing> {
        let uids: Vec<String> = match &who.credential {
            Credential::SpaceToken { space: s, role, .. } if s == space => vec![role.clone()],
            Credential::SpaceToken { .. } | Credential::DeliveryToken { .. } | Credential::Anonymous => {
                return Ok(Standing::default());
            }
            Credential::UserToken(_) | Credential::Session(_) | Credential::Operator => {
                let mut c = self.read.acquire().await.map_err(db_err)?;
                member_roles(&mut c, space, &who.user_uid).await?
            }
        };
        let mut roles = Vec::with_capacity(uids.len());
        let mut custom = Vec::new();
        for u in uids {
            match builtin_space_role(&u) {
                Some(r) => roles.push(r),
                None => custom.push(u),
            }
        }
        if !custom.is_empty() {
            let list = crate::dialect::params(2, custom.len());
            let sql = format!(
                "SELECT uid, name, description, definition FROM space_roles WHERE space_uid = $1 AND uid IN ({list})"
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(space);
            for u in &custom {
                q = q.bind(u);
            }
            for r in q.fetch_all(&self.read).await.map_err(db_err)? {
                roles.push(custom_from_row(&r)?);
            }
        }
        Ok(Standing { roles })
    }

    async fn list_members(&self, space: &str, page: PageRequest) -> Result<Page<Member>> {
        let rows = sqlx::query(
            "SELECT u.uid, u.email, u.name, MIN(m.added_at) AS added_at FROM space_members m \
             JOIN users u ON u.uid = m.user_uid WHERE m.space_uid = $1 \
             GROUP BY u.uid, u.email, u.name ORDER BY u.email LIMIT $2 OFFSET $3",
        )
        .bind(space)
        .bind(page.limit)
        .bind(page.skip)
        .fetch_all(&self.read)
        .await
        .map_err(db_err)?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT user_uid) FROM space_members WHERE space_uid = $1")
            .bind(space)
            .fetch_one(&self.read)
            .await
            .map_err(db_err)?;
        let mut c = self.read.acquire().await.map_err(db_err)?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let uid: String = get(r, "uid")?;
            let roles = member_roles(&mut c, space, &uid).await?;
            items.push(Member {
                email: get(r, "email")?,
                name: get(r, "name")?,
                added_at: ts(get(r, "added_at")?),
                user_uid: uid,
                roles,
            });
        }
        Ok(Page { items, count })
    }

    async fn get_member(&self, space: &str, user: &str) -> Result<Option<Member>> {
        let row = sqlx::query(
            "SELECT u.uid, u.email, u.name, MIN(m.added_at) AS added_at FROM space_members m \
             JOIN users u ON u.uid = m.user_uid WHERE m.space_uid = $1 AND m.user_uid = $2 \
             GROUP BY u.uid, u.email, u.name",
        )
        .bind(space)
        .bind(user)
        .fetch_optional(&self.read)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let mut c = self.read.acquire().await.map_err(db_err)?;
        Ok(Some(Member {
            user_uid: get(&r, "uid")?,
            email: get(&r, "email")?,
            name: get(&r, "name")?,
            roles: member_roles(&mut c, space, user).await?,
            added_at: ts(get(&r, "added_at")?),
        }))
    }

    async fn set_member(&self, space: &str, user: &str, roles: &[String], at: Timestamp) -> Result<Member> {
        let mut w = begin_write(self, space).await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE uid = $1")
            .bind(user)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
        if exists.is_none() {
            return Err(Error::not_found("user_not_found", format!("user {user} does not exist")));
        }
        let wanted: Vec<String> = roles.iter().filter(|r| *r != SPACE_OWNER).cloned().collect();
        require_roles(&mut w, space, &wanted).await?;
        let before = member_roles(w.conn(), space, user).await?;
        let added_at: Option<i64> =
            sqlx::query_scalar("SELECT MIN(added_at) FROM space_members WHERE space_uid = $1 AND user_uid = $2")
                .bind(space)
                .bind(user)
                .fetch_one(w.conn())
                .await
                .map_err(db_err)?;
        sqlx::query("DELETE FROM space_members WHERE space_uid = $1 AND user_uid = $2 AND role_uid <> $3")
            .bind(space)
            .bind(user)
            .bind(SPACE_OWNER)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        for r in &wanted {
            sqlx::query(
                "INSERT INTO space_members (space_uid, user_uid, role_uid, added_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(space)
            .bind(user)
            .bind(r)
            .bind(added_at.unwrap_or(ms(at)))
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        }
        let after = member_roles(w.conn(), space, user).await?;
        let action = if before.is_empty() { "member.add" } else { "member.update" };
        w.record(Event::new(action).target(user).detail(serde_json::json!({ "roles": after, "before": before })));
        w.commit().await?;
        self.get_member(space, user).await?.ok_or_else(|| Error::internal("the member just written is missing"))
    }

    async fn remove_member(&self, space: &str, user: &str) -> Result<bool> {
        let mut w = begin_write(self, space).await?;
        let roles = member_roles(w.conn(), space, user).await?;
        if roles.iter().any(|r| r == SPACE_OWNER) {
            return Err(Error::conflict(
                "owner_cannot_leave",
                "the space's owner cannot be removed; transfer the ownership first",
            ));
        }
        if roles.is_empty() {
            return Ok(false);
        }
        sqlx::query("DELETE FROM space_members WHERE space_uid = $1 AND user_uid = $2")
            .bind(space)
            .bind(user)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        // The tokens they made for the space go with their membership.
        sqlx::query(
            "UPDATE tokens SET revoked_at = $3 WHERE space_uid = $1 AND created_by = $2 AND revoked_at IS NULL",
        )
        .bind(space)
        .bind(user)
        .bind(chrono::Utc::now().timestamp_millis())
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        w.record(Event::new("member.remove").target(user).detail(serde_json::json!({ "roles": roles })));
        w.commit().await?;
        Ok(true)
    }

    async fn transfer_ownership(&self, space: &str, to: &str, at: Timestamp) -> Result<()> {
        let mut w = begin_write(self, space).await?;
        if member_roles(w.conn(), space, to).await?.is_empty() {
            let mut e = Error::new(
                trove_domain::ErrorKind::Validation,
                "not_a_member",
                format!("{to} is not a member of this space; add them first"),
            );
            e.fields.insert("user_uid".to_owned(), vec!["is not a member of this space".to_owned()]);
            return Err(e);
        }
        let from: Option<String> =
            sqlx::query_scalar("SELECT user_uid FROM space_members WHERE space_uid = $1 AND role_uid = $2")
                .bind(space)
                .bind(SPACE_OWNER)
                .fetch_optional(w.conn())
                .await
                .map_err(db_err)?;
        sqlx::query("DELETE FROM space_members WHERE space_uid = $1 AND role_uid = $2")
            .bind(space)
            .bind(SPACE_OWNER)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        for (user, role) in [(from.as_deref(), SPACE_ADMIN), (Some(to), SPACE_OWNER)] {
            let Some(user) = user else { continue };
            sqlx::query(
                "INSERT INTO space_members (space_uid, user_uid, role_uid, added_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(space)
            .bind(user)
            .bind(role)
            .bind(ms(at))
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        }
        w.record(Event::new("space.transfer").target(to).detail(serde_json::json!({ "from": from })));
        w.commit().await
    }
}
