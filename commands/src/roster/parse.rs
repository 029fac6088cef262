//! Reading the owners' roster in the estate's usual CSV format:
//! `Ser No,Flat No,Name of Owners,Phone No,E-mail Id`, with `BLOCK-A`-style rows naming the block
//! of the flats below them. Honorifics are dropped and names title-cased; phones become `+91`
//! and ten digits. A bad row is reported with its line number and never stops the others.

use khaki_domain::resident::FlatNumber;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterLine {
    pub line: u32,
    pub flat: FlatNumber,
    pub owner_names: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: u32,
    pub message: String,
}

const HONORIFICS: [&str; 5] = ["SHRI", "SMT", "MRS", "MR", "MS"];

/// Every roster line of the file, and the errors of those that could not be read.
pub fn parse(text: &str) -> (Vec<RosterLine>, Vec<LineError>) {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut block: Option<String> = None;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    for (index, record) in reader.records().enumerate() {
        let number = record.as_ref().ok().and_then(|r| r.position()).map_or(index as u64 + 1, csv::Position::line);
        let line = u32::try_from(number).unwrap_or(u32::MAX);
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                errors.push(LineError { line, message: format!("not readable as CSV: {error}") });
                continue;
            }
        };
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        if record.iter().all(str::is_empty) || cell(0).eq_ignore_ascii_case("Ser No") {
            continue;
        }
        if let Some(named) = block_header(cell(0)) {
            block = Some(named);
            continue;
        }
        match read_line(line, block.as_deref(), cell(1), cell(2), cell(3), cell(4)) {
            Ok(parsed) => lines.push(parsed),
            Err(message) => errors.push(LineError { line, message }),
        }
    }
    (lines, errors)
}

/// `BLOCK-A`, `Block B`, `BLOCK C1` name the block of the rows that follow.
fn block_header(first: &str) -> Option<String> {
    let upper = first.to_ascii_uppercase();
    let rest = upper.strip_prefix("BLOCK")?.trim_start_matches(['-', ' ', '_']);
    (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| rest.to_owned())
}

fn read_line(
    line: u32,
    block: Option<&str>,
    flat: &str,
    names: &str,
    phone: &str,
    email: &str,
) -> Result<RosterLine, String> {
    let written = if flat.contains('-') {
        flat.to_owned()
    } else {
        let block =
            block.ok_or_else(|| format!("flat '{flat}' comes before any BLOCK row, so its block is unknown"))?;
        format!("{block}-{flat}")
    };
    let flat = FlatNumber::parse(&written).map_err(|_| format!("'{written}' is not a flat number such as A-101"))?;
    let owner_names = owner_names(names).ok_or_else(|| "the owner's name is missing".to_owned())?;
    Ok(RosterLine { line, flat, owner_names, phone: normalise_phone(phone)?, email: normalise_email(email)? })
}

/// "SHRI RAMESH KUMAR & SMT. ANITA DEVI" → "Ramesh Kumar & Anita Devi".
pub fn owner_names(raw: &str) -> Option<String> {
    let people: Vec<String> = raw
        .split(['&', '/'])
        .flat_map(|part| part.split(" AND ").flat_map(|p| p.split(" and ")))
        .map(|person| {
            let words: Vec<&str> = person.split_whitespace().collect();
            let start = words
                .iter()
                .position(|w| !HONORIFICS.contains(&w.trim_end_matches('.').to_ascii_uppercase().as_str()))
                .unwrap_or(words.len());
            words[start..].iter().map(|w| title_case(w)).collect::<Vec<_>>().join(" ")
        })
        .filter(|name| !name.is_empty())
        .collect();
    (!people.is_empty()).then(|| people.join(" & "))
}

fn title_case(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `+91` and ten digits: a leading 0 is dropped and `91…` accepted; anything else is an error.
pub fn normalise_phone(raw: &str) -> Result<Option<String>, String> {
    let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
    if compact.is_empty() {
        return Ok(None);
    }
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    let ten = match digits.len() {
        _ if !digits.bytes().all(|b| b.is_ascii_digit()) => None,
        10 => Some(digits),
        11 => digits.strip_prefix('0'),
        12 => digits.strip_prefix("91"),
        _ => None,
    };
    ten.map(|ten| Some(format!("+91{ten}")))
        .ok_or_else(|| format!("phone '{raw}' is not a ten-digit number (a leading 0 or 91 is allowed)"))
}

fn normalise_email(raw: &str) -> Result<Option<String>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    let plausible = raw.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !raw.contains(char::is_whitespace);
    if plausible {
        Ok(Some(raw.to_lowercase()))
    } else {
        Err(format!("e-mail '{raw}' is not an address such as name@example.org"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROSTER: &str = "Ser No,Flat No,Name of Owners,Phone No,E-mail Id
BLOCK-A,,,,
1,101,SHRI RAMESH KUMAR,9830425757,ramesh@example.org
2,102,SMT. ANITA DEVI & MR SURESH RAO,09830425758,
3,103,MRS LATA IYER,919830425759,LATA@EXAMPLE.ORG
4,104,,9830425760,
BLOCK B
5,201,MS PRIYA SEN,12345,
6,C-301,SHRI DEV NAIR,+91 98304 25761,dev@example
";

    #[test]
    fn the_usual_format_reads_with_blocks_honorifics_and_phones() {
        let (lines, errors) = parse(ROSTER);
        let read: Vec<(u32, &str, &str, Option<&str>)> =
            lines.iter().map(|l| (l.line, l.flat.as_str(), l.owner_names.as_str(), l.phone.as_deref())).collect();
        assert_eq!(
            read,
            vec![
                (3, "A-101", "Ramesh Kumar", Some("+919830425757")),
                (4, "A-102", "Anita Devi & Suresh Rao", Some("+919830425758")),
                (5, "A-103", "Lata Iyer", Some("+919830425759")),
            ]
        );
        assert_eq!(lines[2].email.as_deref(), Some("lata@example.org"));
        let lines_in_error: Vec<u32> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines_in_error, vec![6, 8, 9], "{errors:?}");
        assert!(errors[0].message.contains("name"));
        assert!(errors[1].message.contains("12345"));
        assert!(errors[2].message.contains("e-mail"));
    }

    #[test]
    fn a_flat_before_any_block_row_is_an_error() {
        let (lines, errors) = parse("1,101,SHRI A B,9830425757,\n");
        assert!(lines.is_empty());
        assert_eq!(errors[0].line, 1);
    }
}
