//! How a person wants to be told things (SPEC §3).

use serde::{Deserialize, Serialize};

/// In-app delivery is always on; these switch the other channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferences {
    pub email: bool,
    pub sms: bool,
    /// When on, only urgent matters go beyond in-app.
    pub urgent_only: bool,
}

impl Default for NotificationPreferences {
    /// A resident's defaults: e-mail on, SMS off, urgent-only off.
    fn default() -> Self {
        Self { email: true, sms: false, urgent_only: false }
    }
}
