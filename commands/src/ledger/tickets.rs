//! Ticket numbers: each year's last sequence, locked by the submitting transaction.

use khaki_migrations::{with_tx, Tx};

use crate::error::CommandError;

/// Locks the year's counter (creating it at 0) until the transaction ends, so numbers are unique
/// and consecutive, and reads its last sequence.
pub(crate) async fn lock_counter(tx: &mut Tx, year: i32) -> Result<u32, CommandError> {
    let sequence: i32 = with_tx!(tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO ticket_counters (year, last_sequence) VALUES ($1, 0)
             ON CONFLICT (year) DO UPDATE SET last_sequence = ticket_counters.last_sequence
             RETURNING last_sequence",
        )
        .bind(year)
        .fetch_one(conn)
        .await
    })?;
    u32::try_from(sequence).map_err(|_| CommandError::Log(format!("ticket counter for {year} is negative")))
}

pub(crate) async fn set_counter(tx: &mut Tx, year: i32, sequence: u32) -> Result<(), CommandError> {
    let sequence = i32::try_from(sequence).map_err(|e| CommandError::Log(e.to_string()))?;
    with_tx!(tx, |conn| {
        sqlx::query("UPDATE ticket_counters SET last_sequence = $2 WHERE year = $1")
            .bind(year)
            .bind(sequence)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
