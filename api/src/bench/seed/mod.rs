//! Seeding a bench estate: people through commands, then requests along a seeded plan, either
//! through the command path or in bulk.

pub mod bulk;
pub mod commands;
pub mod people;
pub mod plan;
