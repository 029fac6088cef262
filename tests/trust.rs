//! Faults a trial by new users and an intruder found, each kept fixed by a test of its class:
//! a reader that cannot go on says so, hidden and absent requests answer alike, permission is
//! judged before uniqueness, dates mean what they say, and the estate has one audit key whose
//! checkpoints cover the log up to a server's stop.

mod audit_key;
mod health;
mod privacy;
mod residents;
