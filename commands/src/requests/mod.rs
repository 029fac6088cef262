//! Maintenance request use cases: submit (with ticket numbers and emergency assignment) and
//! every action of SPEC §2's table.

mod act;
pub(crate) mod desk;
mod emergency;
mod submit;

pub use act::{
    acknowledge, assign, auto_close, cancel, close, comment, end_assignment, escalate, hand_back, rate, reopen,
    resolve, revise, start_work, unassign, AssignTo,
};
pub use emergency::assign_emergency;
pub use submit::{submit, NewRequest, Submitted};

use khaki_domain::{initial_catalogue, Category};

use crate::error::CommandError;

/// The category of a given name from the estate's catalogue.
pub fn category(name: &str) -> Result<Category, CommandError> {
    initial_catalogue().into_iter().find(|c| c.name.eq_ignore_ascii_case(name.trim())).ok_or_else(|| {
        let known: Vec<String> = initial_catalogue().into_iter().map(|c| c.name).collect();
        CommandError::invalid(
            "category",
            format!("unknown category '{name}'; the categories are: {}", known.join(", ")),
        )
    })
}
