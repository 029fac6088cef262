//! The resident aggregate: who lives in which flat, as owner, tenant or family, and whether they
//! sit on the committee. Phones and emergency contacts live in the accounts table.

mod command;
mod decide;
mod event;
mod refusal;
mod state;

#[cfg(test)]
mod tests;

pub use command::{Register, ResidentCommand};
pub use decide::decide;
pub use event::ResidentEvent;
pub use refusal::ResidentRefusal;
pub use state::{FlatNumber, FlatNumberError, Resident, ResidentRecord, ResidentType};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

use crate::actor::Issued;

impl Aggregate for Resident {
    const TYPE: &'static str = "Resident";
    type Command = Issued<ResidentCommand>;
    type Event = ResidentEvent;
    type Error = ResidentRefusal;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), ResidentRefusal> {
        for event in decide(self, &command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ResidentEvent) {
        self.evolve(event);
    }
}
