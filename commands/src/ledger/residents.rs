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
        let today = change.at.date_naive();
        let written = with_tx!(tx, |conn| {
            // Residents of the flat whose recorded move-out day has come give up their place first.
            sqlx::query("UPDATE residents SET active = false WHERE flat = $1 AND active AND moves_out_on <= $2")
                .bind(resident.flat.as_str())
                .bind(today)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO residents (account_id, flat, block, resident_type, committee, active, moves_out_on)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (account_id) DO UPDATE SET committee = excluded.committee, active = excluded.active,
                     moves_out_on = excluded.moves_out_on",
            )
            .bind(resident.id.as_uuid())
            .bind(resident.flat.as_str())
            .bind(resident.flat.block())
            .bind(resident.resident_type.name())
            .bind(resident.committee)
            .bind(resident.lives_there_on(today))
            .bind(resident.moved_out)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
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
