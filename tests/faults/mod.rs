//! Faults the service must survive, with the real binary under load: `khaki serve` killed with
//! SIGKILL. Loopback only; each test stops only the processes it started.

mod checks;
mod kill;
mod load;
mod serve;
