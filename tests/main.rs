//! Khaki Estate's integration suite: one test binary, every scenario on both stores (a fresh
//! PostgreSQL database or SQLite file per test), through the real server and database.

mod support;

mod cli;
mod concurrency;
mod health;
mod log;
mod projections;
mod staff;
