//! Ticket numbers: the next sequence of a year, taken inside the submitting transaction.

use khaki_migrations::{with_tx, Tx};

use crate::error::CommandError;

/// Takes the next sequence for `year`. The counter row stays locked until the transaction ends,
/// so numbers are unique and consecutive, and a submission that rolls back gives its number back.
pub async fn next_sequence(tx: &mut Tx, year: i32) -> Result<u32, CommandError> {
    let sequence: i32 = with_tx!(tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO ticket_counters (year, last_sequence) VALUES ($1, 1)
             ON CONFLICT (year) DO UPDATE SET last_sequence = ticket_counters.last_sequence + 1
             RETURNING last_sequence",
        )
        .bind(year)
        .fetch_one(conn)
        .await
    })?;
    u32::try_from(sequence).map_err(|_| CommandError::Log(format!("ticket counter for {year} is negative")))
}
