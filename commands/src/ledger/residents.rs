//! What resident events change in the ledger: the residents-by-flat table whose unique indexes
//! hold the one-owner-and-one-tenant-per-flat rule.

use khaki_domain::resident::{Resident, ResidentRefusal, ResidentType};
use khaki_migrations::{unique_violation, with_tx, Tx};

use crate::error::CommandError;
use crate::ledger::{Change, Recorded};
use crate::rules::Rules;

impl Recorded for Resident {
    const NOUN: &'static str = "the resident";

    fn refusal(error: ResidentRefusal) -> CommandError {
        error.into()
    }

    async fn record(tx: &mut Tx, change: &Change<'_, Self>, _: &Rules) -> Result<(), CommandError> {
        let Some(resident) = change.after.record() else {
            return Ok(());
        };
        let written = with_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO residents (account_id, flat, block, resident_type, committee, active) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (account_id) DO UPDATE SET committee = excluded.committee, active = excluded.active",
            )
            .bind(resident.id.as_uuid())
            .bind(resident.flat.as_str())
            .bind(resident.flat.block())
            .bind(resident.resident_type.name())
            .bind(resident.committee)
            .bind(resident.is_active())
            .execute(conn)
            .await.map(|done| done.rows_affected())
        });
        match written {
            Ok(_) => Ok(()),
            Err(e) if unique_violation(&e).is_some() => {
                let role = if resident.resident_type == ResidentType::Tenant { "tenant" } else { "owner" };
                Err(CommandError::Duplicate {
                    field: "flat",
                    message: format!("flat {} already has an active {role}; a flat has at most one", resident.flat),
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}
