//! The account aggregate: a person's sign-in, its active flag and its administrator and auditor
//! rights. What identifies the person (username, e-mail, names, phones, password hash) is kept
//! outside the log so it can be erased.

mod command;
mod decide;
mod event;
mod refusal;
mod state;

#[cfg(test)]
mod tests;

pub use command::{AccountCommand, OtherAdministrators};
pub use decide::decide;
pub use event::AccountEvent;
pub use refusal::AccountRefusal;
pub use state::{Account, AccountKind, AccountRecord};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

use crate::actor::Issued;

impl Aggregate for Account {
    const TYPE: &'static str = "Account";
    type Command = Issued<AccountCommand>;
    type Event = AccountEvent;
    type Error = AccountRefusal;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), AccountRefusal> {
        for event in decide(self, &command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: AccountEvent) {
        self.evolve(event);
    }
}
