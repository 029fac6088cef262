//! Why a command on a staff record was refused.

use crate::request::RefusalKind;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StaffRefusal {
    #[error("no such staff member")]
    NotFound,
    #[error("this staff member has already been onboarded")]
    AlreadyOnboarded,
    #[error("only administrators and facility managers may manage staff")]
    NotStaffManagement,
    #[error("only the staff member themself, administrators and facility managers may change this")]
    NotSelfOrStaffManagement,
    #[error("a staff member cannot supervise themself")]
    SupervisorIsSelf,
    #[error("the supervisor must be an active staff member")]
    SupervisorNotActive,
    #[error("that supervisor already reports to this staff member; the reporting chain would form a cycle")]
    SupervisorCycle,
}

impl StaffRefusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Self::NotFound => RefusalKind::NotFound,
            Self::AlreadyOnboarded => RefusalKind::Conflict,
            Self::NotStaffManagement | Self::NotSelfOrStaffManagement => RefusalKind::NotAllowed,
            Self::SupervisorIsSelf | Self::SupervisorNotActive | Self::SupervisorCycle => RefusalKind::RuleBroken,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "staff_not_found",
            Self::AlreadyOnboarded => "already_onboarded",
            Self::NotStaffManagement | Self::NotSelfOrStaffManagement => "not_allowed",
            Self::SupervisorIsSelf => "supervisor_is_self",
            Self::SupervisorNotActive => "supervisor_not_active",
            Self::SupervisorCycle => "supervisor_cycle",
        }
    }
}
