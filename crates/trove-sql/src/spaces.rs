//! Spaces and their workspaces.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use trove_app::ports::{SpaceChange, SpaceRepo};
use trove_domain::Result;
use trove_domain::audit::Event;
use trove_domain::model::{Page, PageRequest, Space, Workspace};

use crate::overlay::OWN_MAX_SEQ;
use crate::rows::{get, ms, ts};
use crate::writer::begin_org_write;
use crate::{SqlStore, db_err};

fn space_from_row(row: &AnyRow) -> Result<Space> {
    Ok(Space {
        uid: get(row, "uid")?,
        title: get(row, "title")?,
        description: get(row, "description")?,
        created_by: get(row, "created_by")?,
        created_at: ts(get(row, "created_at")?),
        updated_by: get(row, "updated_by")?,
        updated_at: ts(get(row, "updated_at")?),
    })
}

const SPACE_COLUMNS: &str = "uid, title, description, created_by, created_at, updated_by, updated_at";

#[async_trait]
impl SpaceRepo for SqlStore {
    async fn create_space(&self, space: &Space, main: &Workspace) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        sqlx::query(
            "INSERT INTO spaces (uid, title, description, created_by, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&space.uid)
        .bind(&space.title)
        .bind(space.description.as_deref())
        .bind(&space.created_by)
        .bind(ms(space.created_at))
        .bind(&space.updated_by)
        .bind(ms(space.updated_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO workspaces (space_uid, uid, name, description, source_uid, default_locale, created_by, created_at, \
               fork_seq, merged_seq, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $7, $8)",
        )
        .bind(&main.space_uid)
        .bind(&main.uid)
        .bind(&main.name)
        .bind(main.description.as_deref())
        .bind(main.source_uid.as_deref())
        .bind(&main.default_locale)
        .bind(&main.created_by)
        .bind(ms(main.created_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        sqlx::query("INSERT INTO workspace_lineage (space_uid, workspace_uid, depth, ancestor_uid, max_seq) VALUES ($1, $2, 0, $2, $3)")
            .bind(&main.space_uid)
            .bind(&main.uid)
            .bind(OWN_MAX_SEQ)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO workspace_languages (space_uid, workspace_uid, locale) VALUES ($1, $2, $3)")
            .bind(&main.space_uid)
            .bind(&main.uid)
            .bind(&main.default_locale)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO space_members (space_uid, user_uid, role_uid, added_at) VALUES ($1, $2, $3, $4)")
            .bind(&space.uid)
            .bind(&space.created_by)
            .bind(trove_domain::access::SPACE_OWNER)
            .bind(ms(space.created_at))
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        w.record(Event::new("space.create").space(&space.uid).workspace(&main.uid).target(&space.uid));
        w.commit().await
    }

    async fn list_spaces(&self, member: &str, page: PageRequest) -> Result<Page<Space>> {
        const MEMBER: &str =
            "EXISTS (SELECT 1 FROM space_members m WHERE m.space_uid = spaces.uid AND m.user_uid = $1)";
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SPACE_COLUMNS} FROM spaces WHERE {MEMBER} ORDER BY created_at DESC, uid DESC LIMIT $2 OFFSET $3"
        )))
        .bind(member)
        .bind(page.limit)
        .bind(page.skip)
        .fetch_all(&self.read)
        .await
        .map_err(db_err)?;
        let count: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM spaces WHERE {MEMBER}")))
            .bind(member)
            .fetch_one(&self.read)
            .await
            .map_err(db_err)?;
        let items = rows.iter().map(space_from_row).collect::<Result<_>>()?;
        Ok(Page { items, count })
    }

    async fn get_space(&self, uid: &str) -> Result<Option<Space>> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {SPACE_COLUMNS} FROM spaces WHERE uid = $1")))
            .bind(uid)
            .fetch_optional(&self.read)
            .await
            .map_err(db_err)?;
        row.as_ref().map(space_from_row).transpose()
    }

    async fn update_space(&self, uid: &str, c: &SpaceChange) -> Result<Option<Space>> {
        let mut w = begin_org_write(self).await?;
        let n = sqlx::query(
            "UPDATE spaces SET title = COALESCE($2, title), \
             description = CASE WHEN $3 = 1 THEN $4 ELSE description END, updated_by = $5, updated_at = $6 \
             WHERE uid = $1",
        )
        .bind(uid)
        .bind(c.title.as_deref())
        .bind(i64::from(c.description.is_some()))
        .bind(c.description.clone().flatten())
        .bind(&c.updated_by)
        .bind(ms(c.updated_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?
        .rows_affected();
        if n == 0 {
            return Ok(None);
        }
        w.record(Event::new("space.update").space(uid).target(uid));
        w.commit().await?;
        self.get_space(uid).await
    }

    async fn delete_space(&self, uid: &str) -> Result<bool> {
        let mut w = begin_org_write(self).await?;
        let n = sqlx::query("DELETE FROM spaces WHERE uid = $1")
            .bind(uid)
            .execute(w.conn())
            .await
            .map_err(db_err)?
            .rows_affected();
        if n == 1 {
            // Recorded outside the space, whose own audit goes with it.
            w.record(Event::new("space.delete").target(uid));
        }
        w.commit().await?;
        Ok(n == 1)
    }
}
