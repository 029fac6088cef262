//! Money on the wire: read models keep whole paise (integers they sum and compare), and answers
//! show rupees as a decimal string with two places, as every command's answer does (`"1500.00"`).

use serde::Serializer;

/// Paise as rupees, signed where a difference can be negative (a cost under its estimate).
pub fn rupees<S: Serializer>(paise: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!(
        "{}{}.{:02}",
        if *paise < 0 { "-" } else { "" },
        paise.unsigned_abs() / 100,
        paise.unsigned_abs() % 100
    ))
}

pub fn optional_rupees<S: Serializer>(paise: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
    match paise {
        Some(paise) => rupees(paise, serializer),
        None => serializer.serialize_none(),
    }
}

/// A mean amount of paise, rounded to the nearest paisa.
pub fn optional_average_rupees<S: Serializer>(paise: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match paise {
        Some(paise) => rupees(&(paise.round() as i64), serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct Shown {
        #[serde(serialize_with = "super::rupees")]
        amount: i64,
        #[serde(serialize_with = "super::optional_rupees")]
        maybe: Option<i64>,
        #[serde(serialize_with = "super::optional_average_rupees")]
        average: Option<f64>,
    }

    #[test]
    fn paise_are_shown_as_rupees_with_two_places() {
        let shown = |amount, maybe, average| serde_json::to_value(Shown { amount, maybe, average }).expect("JSON");
        assert_eq!(
            shown(150_000, Some(5), Some(-3333.4)),
            serde_json::json!({"amount": "1500.00", "maybe": "0.05", "average": "-33.33"})
        );
        assert_eq!(
            shown(-30_000, None, None),
            serde_json::json!({"amount": "-300.00", "maybe": null, "average": null})
        );
    }
}
