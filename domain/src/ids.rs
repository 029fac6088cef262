//! Identifiers of the things the estate keeps: people's accounts and maintenance requests.
//! They are UUIDs chosen by the caller (never by the domain), so a command can name what it creates.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A person who signs in: a resident, a staff member or an administrator. Staff members and
    /// residents are known by their account's id.
    AccountId
);
uuid_id!(
    /// A maintenance request; its human-facing name is its [`crate::TicketNumber`].
    RequestId
);
uuid_id!(
    /// One comment on a request's timeline.
    CommentId
);
