//! Passwords: stored only as argon2id hashes (PHC strings), never logged, never in an event.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;

use argon2::Argon2;
use rand::RngCore;
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error)]
#[error("the password could not be hashed")]
pub struct HashError;

/// Hashes a password with argon2id and a fresh random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| HashError)?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| HashError)
}

/// Whether `password` matches the stored hash. A malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Each argon2 hash holds 19 MiB and a core for tens of milliseconds. Hashing one per core at a
/// time keeps a burst of sign-ins from growing memory with the number of callers (the allocator
/// keeps what a burst once took) while still using every core.
fn turns() -> &'static Semaphore {
    static TURNS: OnceLock<Semaphore> = OnceLock::new();
    TURNS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from)))
}

/// [`hash`] off the async workers, one hash per core at a time.
pub async fn hash_in_turn(password: String) -> Result<String, HashError> {
    let _turn = turns().acquire().await.map_err(|_| HashError)?;
    tokio::task::spawn_blocking(move || hash(&password)).await.map_err(|_| HashError)?
}

/// [`verify`] off the async workers, one hash per core at a time.
pub async fn verify_in_turn(password: String, stored: String) -> bool {
    let Ok(_turn) = turns().acquire().await else { return false };
    tokio::task::spawn_blocking(move || verify(&password, &stored)).await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse").expect("hashes");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse", &stored));
        assert!(!verify("wrong horse", &stored));
        assert!(!verify("correct horse", "not a hash"));
    }
}
