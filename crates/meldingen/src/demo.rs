//! Fictitious meldingen for the demo: no real persons; places in Vijfheerenlanden.

use crate::model::Status;

pub struct DemoMelding {
    pub categorie: &'static str,
    pub omschrijving: &'static str,
    pub adres: Option<&'static str>,
    pub email: Option<&'static str>,
    pub status: Status,
    pub dagen_geleden: i64,
}

const fn d(
    categorie: &'static str,
    omschrijving: &'static str,
    adres: Option<&'static str>,
    email: Option<&'static str>,
    status: Status,
    dagen_geleden: i64,
) -> DemoMelding {
    DemoMelding {
        categorie,
        omschrijving,
        adres,
        email,
        status,
        dagen_geleden,
    }
}

use Status::*;

pub const MELDINGEN: &[DemoMelding] = &[
    d("verdacht-pand", "Schuur achter een leegstaande boerderij, ramen afgeplakt en 's nachts draait er steeds een ventilator.", Some("Lakerveld 12, 4128 LL Lexmond"), None, Gemeld, 1),
    d("verdacht-pand", "Bedrijfsunit waar veel busjes komen en gaan, vooral 's avonds laat.", Some("Industrieweg 40, 4131 NR Vianen"), None, InBehandeling, 8),
    d("drugsoverlast", "Bij het bankje aan de haven wordt vrijwel dagelijks gedeald, vooral na schooltijd.", Some("Voorstraat 1, 4132 AP Vianen"), Some("melder.een@example.nl"), InBehandeling, 6),
    d("drugsoverlast", "Sterke hennepgeur uit de woning op de hoek, al enkele weken.", Some("Dorpsstraat 5, 4235 AB Meerkerk"), None, Gemeld, 2),
    d("drugsoverlast", "Lachgascilinders en rommel op het parkeerterrein bij de sporthal.", Some("Sportlaan 3, 4143 HX Leerdam"), None, Afgehandeld, 30),
    d("woonoverlast", "Buren draaien elke nacht harde muziek tot na 3 uur.", Some("Kerkstraat 14, 4141 AV Leerdam"), Some("melder.twee@example.nl"), WachtOpMelder, 12),
    d("woonoverlast", "Veel verschillende mensen die in en uit een woning lopen, lijkt kamerverhuur.", Some("Lingedijk 22, 4142 LD Leerdam"), None, InBehandeling, 15),
    d("woonoverlast", "Afval en grofvuil in de voortuin, ongedierte.", Some("Zijderveldselaan 8, 4157 GA Zijderveld"), None, Gemeld, 20),
    d("jeugdoverlast", "Groep jongeren bij het winkelcentrum, intimiderend gedrag naar winkelend publiek.", Some("Hofplein 2, 4133 DA Vianen"), None, InBehandeling, 3),
    d("jeugdoverlast", "Jongeren met scooters racen over het fietspad langs de Linge.", Some("Lingeweg 1, 4141 AA Leerdam"), Some("melder.drie@example.nl"), Gemeld, 4),
    d("jeugdoverlast", "Vernielingen aan het bushokje, al voor de derde keer.", Some("Achterweg 2, 4235 BA Meerkerk"), None, Afgehandeld, 40),
    d("horeca", "Na sluitingstijd van het café blijft het lawaaierig op straat.", Some("Markt 5, 4141 BK Leerdam"), None, Gemeld, 9),
    d("horeca", "Terras staat tot ver op de stoep, rolstoel kan er niet langs.", Some("Voorstraat 60, 4132 AS Vianen"), Some("melder.vier@example.nl"), InBehandeling, 5),
    d("online-fraude", "Nepwebwinkel die zich voordoet als lokale fietsenmaker.", None, Some("melder.vijf@example.nl"), InBehandeling, 7),
    d("online-fraude", "Ouderen in de wijk krijgen WhatsApp-berichten van 'hun kind' dat geld nodig heeft.", None, None, Afgehandeld, 25),
    d("zorg-persoon", "Oudere buurman lijkt verward en loopt 's nachts buiten zonder jas.", Some("Molenstraat 3, 4145 AC Schoonrewoerd"), Some("melder.zes@example.nl"), InBehandeling, 2),
    d("zorg-persoon", "Man slaapt al een week in de bushalte.", Some("Stationsweg 1, 4141 HA Leerdam"), None, Gemeld, 1),
    d("radicalisering", "Flyers met extremistische teksten bij het station.", Some("Stationsweg 10, 4141 HB Leerdam"), None, InBehandeling, 11),
    d("overig", "Lantaarnpaal al weken kapot in een donkere steeg, voelt onveilig.", Some("Steeg 1, 4132 BC Vianen"), None, Geannuleerd, 18),
    d("overig", "Auto staat al maanden zonder kenteken in de straat.", Some("Lange Dreef 7, 4131 NJ Vianen"), None, Gemeld, 14),
    d("drugsoverlast", "Drugsafval (zakjes, spuiten) in het park bij de speeltuin.", Some("Parklaan 4, 4132 CA Vianen"), None, Gemeld, 16),
    d("woonoverlast", "Hond blaft de hele dag als de bewoners weg zijn.", Some("Wilgenlaan 9, 4143 CD Leerdam"), None, Afgehandeld, 35),
    d("jeugdoverlast", "Vuurwerk afsteken bij de speeltuin, ook overdag.", Some("Speelveld 1, 4156 AA Hagestein"), None, WachtOpMelder, 6),
    d("verdacht-pand", "Kassen op een erf met lampen die dag en nacht branden.", Some("Polderweg 30, 4233 EB Ameide"), None, Gemeld, 13),
    d("horeca", "Vechtpartij bij de snackbar op zaterdagnacht.", Some("Nieuwstraat 2, 4141 CE Leerdam"), None, Afgehandeld, 22),
    d("online-fraude", "Phishingmail namens de gemeente over een belastingteruggave.", None, None, Gemeld, 1),
    d("zorg-persoon", "Vrouw in de flat lijkt zichzelf te verwaarlozen, post stapelt zich op.", Some("Flatweg 12, 4131 AE Vianen"), None, InBehandeling, 4),
    d("overig", "Graffiti met bedreigende tekst op de muur van de school.", Some("Schoolstraat 1, 4235 CC Meerkerk"), None, InBehandeling, 3),
    d("woonoverlast", "Ruzie en geschreeuw in de woning, meerdere avonden per week.", Some("Pastoriestraat 6, 4157 AB Zijderveld"), None, Gemeld, 19),
    d("drugsoverlast", "Auto's die kort stoppen bij de parkeerplaats, mogelijk drugshandel.", Some("Parkeerterrein De Helling, 4132 AT Vianen"), None, InBehandeling, 10),
];
