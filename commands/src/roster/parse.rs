//! Reading the owners' roster in the estate's usual CSV format:
//! `Ser No,Flat No,Name of Owners,Phone No,E-mail Id`, with `BLOCK-A`-style rows naming the block
//! of the flats below them. Honorifics are dropped and names title-cased; phones become `+91`
//! and ten digits. A bad row is reported with its line number and never stops the others.

use std::collections::HashMap;

use khaki_domain::resident::FlatNumber;
use khaki_domain::Text;

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

/// The longest owners' names a roster entry keeps (several owners of one flat, joined by `&`).
const NAMES: usize = 300;

/// The roster's columns, for naming one in an error.
const COLUMNS: [&str; 5] = ["Ser No", "Flat No", "Name of Owners", "Phone No", "E-mail Id"];

/// Every roster line of the file, and the errors of those that could not be read.
pub fn parse(text: &str) -> (Vec<RosterLine>, Vec<LineError>) {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut block: Option<String> = None;
    let mut numbering = LineNumbers::new(text);
    // Each e-mail address belongs to one owner: where it was first given, and for which flat.
    let mut emails: HashMap<String, (u32, FlatNumber)> = HashMap::new();
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    for (index, record) in reader.records().enumerate() {
        let line = match &record {
            Ok(record) => record.position().map(|p| numbering.line_at(p.byte())),
            Err(error) => error.position().map(|p| numbering.line_at(p.byte())),
        };
        let line = line.unwrap_or_else(|| u32::try_from(index + 1).unwrap_or(u32::MAX));
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
        // Neither store keeps every control character (PostgreSQL refuses NUL outright), and no
        // name, phone or address holds one: the row is refused here, in words.
        let control = record.iter().enumerate().find_map(|(i, c)| c.chars().find(|c| c.is_control()).map(|c| (i, c)));
        if let Some((column, found)) = control {
            let column = COLUMNS.get(column).copied().unwrap_or("an extra");
            let message = format!(
                "the {column} column holds a control character (U+{:04X}), which no roster entry may hold",
                u32::from(found)
            );
            errors.push(LineError { line, message });
            continue;
        }
        if let Some(named) = block_header(cell(0)) {
            block = Some(named);
            continue;
        }
        let parsed = match read_line(line, block.as_deref(), cell(1), cell(2), cell(3), cell(4)) {
            Ok(parsed) => parsed,
            Err(message) => {
                errors.push(LineError { line, message });
                continue;
            }
        };
        if let Some(email) = &parsed.email {
            if let Some((first, flat)) = emails.get(email) {
                let message = format!(
                    "e-mail '{email}' is already given on line {first} (flat {flat}); an e-mail address belongs to one owner"
                );
                errors.push(LineError { line, message });
                continue;
            }
            emails.insert(email.clone(), (line, parsed.flat.clone()));
        }
        lines.push(parsed);
    }
    (lines, errors)
}

/// Line numbers as a person opening the file sees them, whatever ends its lines (`\n`, `\r\n`
/// or `\r`). After a `\r\n` the CSV reader places the next record at the `\n`, so its count
/// runs one line behind; no record starts with a line end, so those are stepped over first.
/// Records come in order, so each is counted on from the one before.
struct LineNumbers<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: u32,
}

impl<'a> LineNumbers<'a> {
    fn new(text: &'a str) -> Self {
        Self { text: text.as_bytes(), counted_to: 0, line: 1 }
    }

    fn line_at(&mut self, byte: u64) -> u32 {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(self.text.len());
        while matches!(self.text.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        for at in self.counted_to..byte {
            let ends_line = match self.text[at] {
                b'\n' => true,
                b'\r' => self.text.get(at + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                self.line = self.line.saturating_add(1);
            }
        }
        self.counted_to = self.counted_to.max(byte);
        self.line
    }
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
    if flat.is_empty() {
        return Err("the flat number is missing".to_owned());
    }
    let written = if flat.contains('-') {
        flat.to_owned()
    } else {
        let block =
            block.ok_or_else(|| format!("flat '{flat}' comes before any BLOCK row, so its block is unknown"))?;
        format!("{block}-{flat}")
    };
    let flat = FlatNumber::parse(&written).map_err(|_| format!("'{written}' is not a flat number such as A-101"))?;
    let owner_names = owner_names(names).ok_or_else(|| "the owner's name is missing".to_owned())?;
    let owner_names =
        Text::line("the owner's name", &owner_names, NAMES).map_err(|e| e.to_string())?.as_str().to_owned();
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

/// "D'SOUZA" → "D'Souza", "MARY-ANN" → "Mary-Ann", "K.R." → "K.R.": each part of a hyphenated
/// name or of initials starts with a capital, and so does the name after a one-letter prefix
/// and an apostrophe (O'Brien), where the rest of the word is lower case.
fn title_case(word: &str) -> String {
    let mut cased = String::with_capacity(word.len());
    let mut capital_next = true;
    let mut letters_in_part = 0;
    for c in word.chars() {
        if c.is_alphabetic() {
            if capital_next {
                cased.extend(c.to_uppercase());
            } else {
                cased.extend(c.to_lowercase());
            }
            capital_next = false;
            letters_in_part += 1;
            continue;
        }
        cased.push(c);
        capital_next = match c {
            '-' | '.' => true,
            '\'' | '\u{2019}' => letters_in_part == 1,
            _ if c.is_alphanumeric() => false,
            _ => capital_next,
        };
        letters_in_part = 0;
    }
    cased
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
    fn a_file_with_crlf_line_ends_numbers_its_lines_as_a_person_sees_them() {
        let lf = parse(ROSTER);
        let crlf = parse(&ROSTER.replace('\n', "\r\n"));
        assert_eq!(crlf, lf);
        let cr = parse(&ROSTER.replace('\n', "\r"));
        assert_eq!(cr.1.iter().map(|e| e.line).collect::<Vec<_>>(), vec![6, 8, 9]);
        let quoted = "BLOCK-A,,,,\r\n1,101,\"SHRI A\r\nB\",,\r\n2,102,,,\r\n";
        let errors: Vec<(u32, bool)> =
            parse(quoted).1.iter().map(|e| (e.line, e.message.contains("control character"))).collect();
        assert_eq!(errors, vec![(2, true), (4, false)], "a record's line is the one it starts on");
    }

    #[test]
    fn names_keep_their_capitals_after_apostrophes_hyphens_and_initials() {
        for (written, kept) in [
            ("SHRI ANIL D'SOUZA", "Anil D'Souza"),
            ("MR SEAN O'BRIEN", "Sean O'Brien"),
            ("SMT MARY-ANN PINTO", "Mary-Ann Pinto"),
            ("SHRI K.R. NARAYANAN", "K.R. Narayanan"),
            ("MRS ROSE D\u{2019}CRUZ", "Rose D\u{2019}Cruz"),
            ("MR JOHN'S", "John's"),
            ("SHRI RAM 2ND", "Ram 2nd"),
        ] {
            assert_eq!(owner_names(written).as_deref(), Some(kept), "{written}");
        }
    }

    #[test]
    fn the_same_email_on_a_second_row_is_an_error_naming_the_first() {
        let (lines, errors) = parse(
            "BLOCK-A,,,,\n1,101,SHRI A B,,owner@example.org\n2,102,SHRI C D,,OWNER@example.org\n3,103,SHRI E F,,\n",
        );
        assert_eq!(lines.iter().map(|l| l.flat.as_str()).collect::<Vec<_>>(), vec!["A-101", "A-103"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].message.contains("line 2") && errors[0].message.contains("A-101"), "{errors:?}");
    }

    #[test]
    fn an_empty_flat_number_is_said_to_be_missing() {
        let (_, errors) = parse("BLOCK-B,,,,\n1,,SHRI A B,,\n2,B-,SHRI C D,,\n");
        assert_eq!(errors[0], LineError { line: 2, message: "the flat number is missing".into() });
        assert!(errors[1].message.contains("'B-' is not a flat number"), "{errors:?}");
    }

    #[test]
    fn control_characters_and_invisible_names_are_row_errors() {
        let (lines, errors) =
            parse("BLOCK-A,,,,\n1,101,SHRI A\0B,,\n2,102,\u{200B},,\n3,103,SHRI C D,,x\0@example.org\n");
        assert!(lines.is_empty());
        let said: Vec<(u32, &str)> = errors.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert_eq!(
            said[0],
            (2, "the Name of Owners column holds a control character (U+0000), which no roster entry may hold")
        );
        assert_eq!(said[1].0, 3);
        assert!(said[1].1.contains("visible character"), "{said:?}");
        assert!(said[2].1.contains("E-mail Id"), "{said:?}");
    }

    #[test]
    fn a_flat_before_any_block_row_is_an_error() {
        let (lines, errors) = parse("1,101,SHRI A B,9830425757,\n");
        assert!(lines.is_empty());
        assert_eq!(errors[0].line, 1);
    }
}
