//! The organization, its users and tokens, and periodic job claims.

use async_trait::async_trait;
use trove_app::ports::{Bootstrap, JobRepo, OrgRepo};
use trove_domain::model::{OrgRole, Principal, Timestamp};
use trove_domain::{Error, Result};

use crate::rows::{get, ms};
use crate::{SqlStore, db_err};

#[async_trait]
impl OrgRepo for SqlStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await.map_err(db_err)?;
        Ok(())
    }

    async fn bootstrap(&self, b: &Bootstrap) -> Result<bool> {
        let mut tx = self.write.begin().await.map_err(db_err)?;
        let at = ms(b.organization.created_at);
        let inserted = sqlx::query(
            "INSERT INTO organizations (uid, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (singleton) DO NOTHING",
        )
        .bind(&b.organization.uid)
        .bind(&b.organization.name)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        sqlx::query("INSERT INTO users (uid, org_uid, email, name, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&b.admin_uid)
            .bind(&b.organization.uid)
            .bind(&b.admin_email)
            .bind("Administrator")
            .bind(OrgRole::ProductAdmin.as_str())
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO api_tokens (uid, user_uid, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&b.token_uid)
            .bind(&b.admin_uid)
            .bind("bootstrap")
            .bind(&b.token_hash)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn principal_for_token(&self, token_hash: &str) -> Result<Option<Principal>> {
        let row = sqlx::query(
            "SELECT u.uid, u.org_uid, u.role FROM api_tokens t JOIN users u ON u.uid = t.user_uid \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await
        .map_err(db_err)?;
        let Some(row) = row else { return Ok(None) };
        let role: String = get(&row, "role")?;
        let role = OrgRole::parse(&role).ok_or_else(|| Error::internal(format!("unknown stored role {role}")))?;
        Ok(Some(Principal { user_uid: get(&row, "uid")?, org_uid: get(&row, "org_uid")?, role }))
    }
}

#[async_trait]
impl JobRepo for SqlStore {
    async fn try_claim_job(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> Result<bool> {
        let claimed = sqlx::query(
            "INSERT INTO job_claims (name, holder, claimed_until) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, claimed_until = excluded.claimed_until \
             WHERE job_claims.claimed_until < $4",
        )
        .bind(name)
        .bind(holder)
        .bind(ms(until))
        .bind(ms(now))
        .execute(&self.write)
        .await
        .map_err(db_err)?
        .rows_affected();
        Ok(claimed == 1)
    }

    async fn release_job(&self, name: &str, holder: &str) -> Result<()> {
        sqlx::query("UPDATE job_claims SET claimed_until = 0 WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.write)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
