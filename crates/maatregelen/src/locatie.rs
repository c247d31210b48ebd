//! A location is an identity, not a text: offences on a ladder are matched on the address's
//! identity — the BAG verblijfsobject id when known, otherwise the normalised postcode, house
//! number and addition (or, without a postcode, street, house number, addition and place) — and,
//! where the policy ties a sanction to the operator, on the operator's KvK number or
//! establishment number. Pure: no I/O.

/// A Dutch address read from the text a user typed ("Markt 3, 4141 BC Leerdam").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adres {
    /// Lower case, without accents and dots, "str." written out.
    pub straat: String,
    pub huisnummer: u32,
    /// Upper case, without spaces or dashes ("A", "BIS", "2"); empty when none.
    pub toevoeging: String,
    /// "4141BC".
    pub postcode: Option<String>,
    /// Lower case.
    pub woonplaats: Option<String>,
}

/// What identifies the place of an offence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plek {
    /// The BAG verblijfsobject id (16 digits), when known.
    pub bag: Option<String>,
    /// The address read from the text, when it could be read.
    pub adres: Option<Adres>,
    /// The text itself, normalised (whitespace and case), for a text that is no address.
    pub tekst: String,
}

impl Plek {
    pub fn new(tekst: &str, bag: Option<&str>) -> Plek {
        Plek {
            bag: bag.map(str::to_string).filter(|b| !b.is_empty()),
            adres: lees_adres(tekst),
            tekst: normaliseer(tekst),
        }
    }

    /// Whether the place can be recognised again: a BAG id, or an address with a house number.
    pub fn herkenbaar(&self) -> bool {
        self.bag.is_some() || self.adres.is_some()
    }
}

fn zonder_accenten(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ÿ' => 'y',
        'ç' => 'c',
        c => c,
    }
}

/// Lower case, accents and dots removed, one space between words.
fn normaliseer(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(zonder_accenten)
        .map(|c| if c == '.' { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn straat(woorden: &[&str]) -> String {
    let s = normaliseer(&woorden.join(" ").replace(".", ". "));
    // "Kerkstr." and "Kerkstr" are "Kerkstraat"; "Markt" stays "markt".
    s.split(' ')
        .map(|w| match w.strip_suffix("str") {
            Some(stam) if !stam.is_empty() => format!("{stam}straat"),
            _ if w == "str" => "straat".to_string(),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" straat", "straat")
}

/// A Dutch postcode in one or two words: "4141 BC", "4141bc".
fn postcode(woorden: &[&str], i: usize) -> Option<(String, usize)> {
    let is_cijfers =
        |w: &str| w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()) && !w.starts_with('0');
    let is_letters = |w: &str| w.len() == 2 && w.chars().all(|c| c.is_ascii_alphabetic());
    let w = woorden.get(i)?;
    if w.len() == 6 && is_cijfers(&w[..4]) && is_letters(&w[4..]) {
        return Some((w.to_ascii_uppercase(), 1));
    }
    if is_cijfers(w) && woorden.get(i + 1).is_some_and(|n| is_letters(n)) {
        return Some((format!("{}{}", w, woorden[i + 1].to_ascii_uppercase()), 2));
    }
    None
}

/// Reads "Markt 3, 4141 BC Leerdam", "Markt 3, Leerdam", "Kerkstr. 5-a, Vianen", "Lingedijk 12
/// bis 4147 AB Asperen"; None without a street and a house number.
pub fn lees_adres(tekst: &str) -> Option<Adres> {
    let tekst = tekst.replace(',', " , ");
    let woorden: Vec<&str> = tekst.split_whitespace().collect();
    // The house number: the first word after the street that starts with a digit (and is no
    // postcode).
    let i = (1..woorden.len()).find(|&i| {
        woorden[i].starts_with(|c: char| c.is_ascii_digit()) && postcode(&woorden, i).is_none()
    })?;
    let straatdeel: Vec<&str> = woorden[..i].iter().copied().filter(|w| *w != ",").collect();
    if straatdeel.is_empty() {
        return None;
    }
    let nummerwoord = woorden[i];
    let cijfers: String = nummerwoord
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let huisnummer: u32 = cijfers.parse().ok().filter(|n| *n > 0)?;
    let mut toevoeging: String = nummerwoord[cijfers.len()..]
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    // What follows: an addition ("A", "bis", "hs", "-2"), a postcode and the place.
    let mut rest: Vec<&str> = woorden[i + 1..].to_vec();
    let komma_na = rest.first() == Some(&",");
    if !komma_na {
        // Words before the first comma or postcode belong to the number, if they look like an
        // addition: a dash and a word, or a word of at most three characters.
        while let Some(w) = rest.first().copied() {
            if w == "," || postcode(&rest, 0).is_some() {
                break;
            }
            let kort = w.trim_start_matches('-').chars().count() <= 3;
            let na_streep = w.starts_with('-') || w == "-";
            let laatste = rest.len() == 1;
            if !kort && (!na_streep || laatste) {
                break;
            }
            toevoeging.extend(w.chars().filter(|c| c.is_alphanumeric()));
            rest.remove(0);
        }
    }
    let mut pc = None;
    let mut plaats: Vec<&str> = Vec::new();
    let mut j = 0;
    while j < rest.len() {
        if let Some((p, n)) = postcode(&rest, j) {
            pc = Some(p);
            j += n;
            continue;
        }
        if rest[j] != "," {
            plaats.push(rest[j]);
        }
        j += 1;
    }
    let woonplaats = normaliseer(&plaats.join(" "));
    Some(Adres {
        straat: straat(&straatdeel),
        huisnummer,
        toevoeging: toevoeging.to_uppercase(),
        postcode: pc,
        woonplaats: (!woonplaats.is_empty()).then_some(woonplaats),
    })
}

/// Whether two places are the same: the BAG id decides when both have one; otherwise the house
/// number and addition must be equal, and then the postcode (when both have one), or else the
/// street and the place (when both name one; neither may lack what the other names). A text
/// that is no address only matches the same text.
pub fn zelfde_plek(a: &Plek, b: &Plek) -> bool {
    if let (Some(x), Some(y)) = (&a.bag, &b.bag) {
        return x == y;
    }
    match (&a.adres, &b.adres) {
        (Some(x), Some(y)) => {
            if x.huisnummer != y.huisnummer || x.toevoeging != y.toevoeging {
                return false;
            }
            if let (Some(p), Some(q)) = (&x.postcode, &y.postcode) {
                return p == q;
            }
            x.straat == y.straat && x.woonplaats == y.woonplaats
        }
        _ => a.tekst == b.tekst,
    }
}

/// Digits only; a BAG verblijfsobject id has 16.
pub fn lees_bag(s: &str) -> Result<Option<String>, String> {
    let d: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if d.is_empty() {
        return Ok(None);
    }
    if d.len() == 16 && d.chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(d))
    } else {
        Err(
            "Een BAG-verblijfsobject-id bestaat uit 16 cijfers, bijvoorbeeld 0545010000012345."
                .into(),
        )
    }
}

/// A KvK number (8 digits) or establishment number (vestigingsnummer, 12 digits).
pub fn lees_exploitant(s: &str) -> Result<Option<String>, String> {
    let d: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    if d.is_empty() {
        return Ok(None);
    }
    if (d.len() == 8 || d.len() == 12) && d.chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(d))
    } else {
        Err("Geef het KvK-nummer (8 cijfers) of het vestigingsnummer (12 cijfers) van de exploitant.".into())
    }
}

/// Whether two recorded operators may be the same: equal numbers of the same kind; an unknown
/// operator, or a KvK number against an establishment number, cannot tell them apart.
pub fn zelfde_exploitant(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) if x.len() == y.len() => x == y,
        _ => true,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(s: &str) -> Plek {
        Plek::new(s, None)
    }

    #[test]
    fn addresses_are_read() {
        let a = lees_adres("Markt 3, 4141 BC Leerdam").unwrap();
        assert_eq!(
            a,
            Adres {
                straat: "markt".into(),
                huisnummer: 3,
                toevoeging: String::new(),
                postcode: Some("4141BC".into()),
                woonplaats: Some("leerdam".into()),
            }
        );
        let a = lees_adres("Kerkstr. 5-a, Vianen").unwrap();
        assert_eq!(
            (a.straat.as_str(), a.huisnummer, a.toevoeging.as_str()),
            ("kerkstraat", 5, "A")
        );
        assert_eq!(a.woonplaats.as_deref(), Some("vianen"));
        let a = lees_adres("Lingedijk 12 bis 4147 AB Asperen").unwrap();
        assert_eq!((a.huisnummer, a.toevoeging.as_str()), (12, "BIS"));
        assert_eq!(a.postcode.as_deref(), Some("4147AB"));
        assert_eq!(a.woonplaats.as_deref(), Some("asperen"));
        let a = lees_adres("Van Beuningenlaan 2 A").unwrap();
        assert_eq!(
            (a.straat.as_str(), a.toevoeging.as_str()),
            ("van beuningenlaan", "A")
        );
        let a = lees_adres("Markt 3 Leerdam").unwrap();
        assert_eq!(
            (a.toevoeging.as_str(), a.woonplaats.as_deref()),
            ("", Some("leerdam"))
        );
        let a = lees_adres("Dorpsstraat 1, 4145aa").unwrap();
        assert_eq!(a.postcode.as_deref(), Some("4145AA"));
        assert_eq!(lees_adres("Laan"), None);
        assert_eq!(lees_adres("4141 BC Leerdam"), None);
        assert_eq!(lees_adres("3 Markt"), None);
    }

    #[test]
    fn the_same_place_in_another_form_is_the_same_place() {
        let cases = [
            ("Markt 3, Leerdam", "Markt 3, 4141 BC Leerdam", true),
            (
                "Markt 3, 4141 BC Leerdam",
                "markt 3 , 4141bc  LEERDAM",
                true,
            ),
            (
                "Markt 3, 4141 BC Leerdam",
                "Marktplein 3, 4141 BC Leerdam",
                true,
            ),
            (
                "Markt 3, 4141 BC Leerdam",
                "Markt 3A, 4141 BC Leerdam",
                false,
            ),
            (
                "Markt 3, 4141 BC Leerdam",
                "Markt 5, 4141 BC Leerdam",
                false,
            ),
            ("Markt 3, 4141 BC Leerdam", "Markt 3, 4131 AA Vianen", false),
            ("Markt 3, Leerdam", "Markt 3, Vianen", false),
            ("Markt 3, Leerdam", "Markt 3", false),
            ("Kerkstraat 5 a, Vianen", "Kerkstr. 5-A, Vianen", true),
            ("Café De Brug", "café  de brug", true),
            ("Café De Brug", "Markt 3, Leerdam", false),
        ];
        for (a, b, same) in cases {
            assert_eq!(zelfde_plek(&p(a), &p(b)), same, "{a} / {b}");
            assert_eq!(zelfde_plek(&p(b), &p(a)), same, "{b} / {a}");
        }
        // The BAG id decides when both have one.
        let x = Plek::new("Markt 3, Leerdam", Some("0545010000012345"));
        let y = Plek::new("Markt 5, Vianen", Some("0545010000012345"));
        let z = Plek::new("Markt 3, Leerdam", Some("0545010000099999"));
        assert!(zelfde_plek(&x, &y));
        assert!(!zelfde_plek(&x, &z));
        assert!(zelfde_plek(&x, &p("Markt 3, 4141 BC Leerdam")));
    }

    #[test]
    fn operators_and_bag_ids_are_read_and_compared() {
        assert_eq!(
            lees_exploitant(" 1234 5678 ").unwrap().as_deref(),
            Some("12345678")
        );
        assert_eq!(
            lees_exploitant("000012345678").unwrap().as_deref(),
            Some("000012345678")
        );
        assert!(lees_exploitant("1234").is_err());
        assert_eq!(lees_exploitant("").unwrap(), None);
        assert!(lees_bag("0545 0100 0001 2345").unwrap().is_some());
        assert!(lees_bag("12345").is_err());
        assert!(zelfde_exploitant(Some("12345678"), Some("12345678")));
        assert!(!zelfde_exploitant(Some("12345678"), Some("87654321")));
        assert!(zelfde_exploitant(Some("12345678"), None));
        assert!(zelfde_exploitant(Some("12345678"), Some("000012345678")));
    }
}
