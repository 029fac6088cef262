//! Why a command on a resident's record was refused.

use crate::request::RefusalKind;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResidentRefusal {
    #[error("no such resident")]
    NotFound,
    #[error("this resident is already registered")]
    AlreadyRegistered,
    #[error("only administrators and facility managers may register residents and change their standing")]
    NotResidentManagement,
    #[error("only the resident themself, administrators and facility managers may change this")]
    NotSelfOrResidentManagement,
    #[error("the resident has already moved out")]
    MovedOut,
    #[error("the move-out date is before the move-in date")]
    MoveOutBeforeMoveIn,
}

impl ResidentRefusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Self::NotFound => RefusalKind::NotFound,
            Self::AlreadyRegistered | Self::MovedOut => RefusalKind::Conflict,
            Self::NotResidentManagement | Self::NotSelfOrResidentManagement => RefusalKind::NotAllowed,
            Self::MoveOutBeforeMoveIn => RefusalKind::RuleBroken,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "resident_not_found",
            Self::AlreadyRegistered => "already_registered",
            Self::NotResidentManagement | Self::NotSelfOrResidentManagement => "not_allowed",
            Self::MovedOut => "moved_out",
            Self::MoveOutBeforeMoveIn => "move_out_before_move_in",
        }
    }
}
