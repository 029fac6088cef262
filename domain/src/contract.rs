//! The names a stored event enum can be written under, read from its serde derive rather than kept
//! by hand: a test that must see every event type in the log lists them from here, so a new
//! variant joins it the moment it is declared.

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// Every variant name of an externally tagged event enum, in declaration order.
pub fn event_types<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0.unwrap_or(&[])
}

/// A deserializer that only notes the variants an enum asks for, then stops.
struct Probe(Option<&'static [&'static str]>);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("only the variant names were wanted")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for &mut Probe {
    type Error = Stop;

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0 = Some(variants);
        Err(Stop)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::event_types;
    use crate::request::RequestEvent;

    #[test]
    fn the_variant_names_of_an_event_enum_are_its_stored_event_types() {
        let names = event_types::<RequestEvent>();
        assert_eq!(names.first(), Some(&"RequestSubmitted"));
        assert!(names.contains(&"RequestEscalated"));
        assert_eq!(names.len(), 16);
    }
}
