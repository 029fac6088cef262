//! Faults the service must survive, with the real binary under load: `khaki serve` killed with
//! SIGKILL, and its PostgreSQL stopped and started again. Loopback only; each test stops only the
//! processes it started.

mod checks;
mod kill;
mod load;
mod outage;
mod private_postgres;
