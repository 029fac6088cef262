//! Khaki Estate's integration suite: one test binary, every scenario on both stores (a fresh
//! PostgreSQL database or SQLite file per test), through the real server and database.

mod support;

mod access_management;
mod access_matrix;
mod api_idempotency;
mod api_input;
mod api_openapi;
mod api_reads;
mod api_requests;
mod api_residents;
mod api_serving;
mod api_session;
mod api_staff;
mod audit;
mod bench;
mod cli;
mod concurrency;
mod demo;
mod every_event;
mod faults;
mod first_day;
mod health;
mod log;
mod processes;
mod projections;
mod races;
mod staff;
mod trust;
