//! The organization, its users and tokens, and periodic job claims.

use async_trait::async_trait;
use trove_app::ports::{Bootstrap, JobRepo, OrgRepo};
use trove_domain::Result;
use trove_domain::access::PRODUCT_ADMIN;
use trove_domain::audit::Event;
use trove_domain::model::Timestamp;

use crate::rows::ms;
use crate::writer::begin_org_write;
use crate::{SqlStore, db_err};

#[async_trait]
impl OrgRepo for SqlStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await.map_err(db_err)?;
        Ok(())
    }

    async fn organization_uid(&self) -> Result<Option<String>> {
        sqlx::query_scalar("SELECT uid FROM organizations").fetch_optional(&self.read).await.map_err(db_err)
    }

    async fn bootstrap(&self, b: &Bootstrap) -> Result<bool> {
        let mut w = begin_org_write(self).await?;
        let at = ms(b.organization.created_at);
        let inserted = sqlx::query(
            "INSERT INTO organizations (uid, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (singleton) DO NOTHING",
        )
        .bind(&b.organization.uid)
        .bind(&b.organization.name)
        .bind(at)
        .execute(w.conn())
        .await
        .map_err(db_err)?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO users (uid, org_uid, email, name, role, created_at, updated_at, setup_hash, setup_expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)",
        )
        .bind(&b.admin_uid)
        .bind(&b.organization.uid)
        .bind(&b.admin_email)
        .bind("Administrator")
        .bind(PRODUCT_ADMIN)
        .bind(at)
        .bind(&b.setup.0)
        .bind(ms(b.setup.1))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO tokens (uid, kind, name, token_hash, user_uid, created_by, created_at) \
             VALUES ($1, 'api', $2, $3, $4, $4, $5)",
        )
        .bind(&b.token_uid)
        .bind("bootstrap")
        .bind(&b.token_hash)
        .bind(&b.admin_uid)
        .bind(at)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        w.record(Event::new("organization.create").target(&b.organization.uid));
        w.record(Event::new("user.create").target(&b.admin_uid));
        w.record(Event::new("token.create").target(&b.token_uid));
        w.commit().await?;
        Ok(true)
    }
}

#[async_trait]
impl JobRepo for SqlStore {
    async fn try_claim_job(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> Result<bool> {
        let mut w = begin_org_write(self).await?;
        let claimed = sqlx::query(
            "INSERT INTO job_claims (name, holder, claimed_until) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, claimed_until = excluded.claimed_until \
             WHERE job_claims.claimed_until < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(ms(until))
        .bind(ms(now))
        .execute(w.conn())
        .await
        .map_err(db_err)?
        .rows_affected();
        w.commit().await?;
        Ok(claimed == 1)
    }

    async fn release_job(&self, name: &str, holder: &str) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        sqlx::query("UPDATE job_claims SET claimed_until = 0 WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        w.commit().await
    }
}
