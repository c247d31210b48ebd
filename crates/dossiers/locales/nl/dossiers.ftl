dossiers-nav = Dossiers
dossiers-nav-convenanten = Convenanten
dossiers-nav-inzage = Inzageverzoeken
dossiers-werk-dossiers = Dossiers
dossiers-werk-taken-mij-te-laat = { $count ->
    [one] taak van mij over de uiterste datum
   *[other] taken van mij over de uiterste datum
}
dossiers-werk-taken-mij = { $count ->
    [one] open taak voor mij
   *[other] open taken voor mij
}
dossiers-werk-taken-organisatie = { $count ->
    [one] open taak voor mijn organisatie zonder uitvoerder
   *[other] open taken voor mijn organisatie zonder uitvoerder
}
dossiers-werk-herbeoordeling = { $count ->
    [one] dossier van mijn team met de herbeoordeling verstreken
   *[other] dossiers van mijn team met de herbeoordeling verstreken
}
dossiers-werk-partners-nieuw = { $count ->
    [one] nieuwe vastlegging van partners in dossiers van mijn team (7 dagen)
   *[other] nieuwe vastleggingen van partners in dossiers van mijn team (7 dagen)
}

## Labels of codes (model.rs): dossiers-<kind>-<slug>
dossiers-categorie-basisgegevens = Basisgegevens
dossiers-categorie-zorg-welzijn = Gezondheid, zorg en welzijn (art. 9 AVG: gezondheid)
dossiers-categorie-bijzonder = Overige bijzondere persoonsgegevens (art. 9 AVG: o.a. afkomst, geloof, politieke opvatting, seksuele leven)
dossiers-categorie-strafrechtelijk = Strafrechtelijke gegevens (art. 10 AVG)
dossiers-categorie-wonen = Wonen
dossiers-categorie-onderwijs = Onderwijs
dossiers-categorie-financien = Financiën
dossiers-fase-intake = Intake
dossiers-fase-triage = Triage
dossiers-fase-plan = Plan van aanpak
dossiers-fase-uitvoering = Uitvoering
dossiers-fase-evaluatie = Evaluatie
dossiers-fase-afschaling = Afschaling
dossiers-fase-gesloten = Gesloten
dossiers-ave-1 = AVE-fase 1 – reguliere aanpak
dossiers-ave-2 = AVE-fase 2 – opschaling binnen de keten
dossiers-ave-3 = AVE-fase 3 – opschaling naar de procesregie
dossiers-ave-4 = AVE-fase 4 – bestuurlijke escalatie
dossiers-ave-onbekend = AVE-fase onbekend
dossiers-zvh-top-x = TOP X
dossiers-zvh-mda = MDA++
dossiers-zvh-onbegrepen-gedrag = Onbegrepen gedrag met gevaarsrisico
dossiers-zvh-radicalisering = Radicalisering en polarisatie
dossiers-inwoner-niet-uitgenodigd = Nog niet uitgenodigd
dossiers-inwoner-uitgenodigd = Uitgenodigd
dossiers-inwoner-betrokken = Neemt deel aan het plan
dossiers-inwoner-wil-niet = Wil niet deelnemen (vastgelegd)
dossiers-herkomst-team = Eigen team
dossiers-herkomst-melding = Melding
dossiers-herkomst-partner = Verzoek van een ketenpartner
dossiers-soort-notitie = Notitie
dossiers-soort-taak = Taak
dossiers-soort-doel = Doel (plan van aanpak)
dossiers-soort-document = Document
dossiers-soort-besluit = Besluit
dossiers-soort-verslag = Overlegverslag
dossiers-soort-betrokkenheid = Contact met de inwoner
dossiers-leefgebied-wonen = Wonen
dossiers-leefgebied-financien = Financiën
dossiers-leefgebied-gezondheid = Lichamelijke en psychische gezondheid
dossiers-leefgebied-verslaving = Verslaving
dossiers-leefgebied-dagbesteding = Dagbesteding en werk
dossiers-leefgebied-netwerk = Sociaal netwerk
dossiers-leefgebied-justitie = Justitie
dossiers-leefgebied-veiligheid = Veiligheid
dossiers-subject-persoon = Persoon
dossiers-subject-locatie = Locatie
dossiers-subject-bedrijf = Bedrijf
dossiers-subject-groep = Groep
dossiers-overleg-pga = PGA-overleg
dossiers-overleg-ondermijning = Ondermijningsoverleg
dossiers-overleg-zvh = Casusoverleg Zorg- en Veiligheidshuis

## Words used on several pages
dossiers-account = Account
dossiers-actie = Actie
dossiers-adres = Adres
dossiers-agenda = Agenda
dossiers-ave = AVE
dossiers-bekijken = Bekijken
dossiers-betrokkene-toevoegen = Betrokkene toevoegen
dossiers-betrokkenen = Betrokkenen
dossiers-betrokkenheid = Betrokkenheid
dossiers-bewaartermijn = Bewaartermijn
dossiers-bewaren-tot = Bewaren tot
dossiers-bronnen = Bronnen
dossiers-bsn = BSN
dossiers-categorie = Categorie
dossiers-contact = Contact
dossiers-convenant = Convenant
dossiers-datum = Datum
dossiers-deelnemers = Deelnemers
dossiers-details = Details
dossiers-document = Document
dossiers-doel = Doel
dossiers-doelen = Doelen
dossiers-door = Door
dossiers-fase = Fase
dossiers-geboortedatum = Geboortedatum
dossiers-geen-vastleggingen = Geen vastleggingen.
dossiers-gegevens = Gegevens
dossiers-gereed = Gereed
dossiers-geschiedenis = Geschiedenis
dossiers-grond = Grond
dossiers-grondslag = Grondslag
dossiers-herbeoordeling = Herbeoordeling
dossiers-inhoud = Inhoud
dossiers-intrekken = Intrekken
dossiers-inzage = Inzage
dossiers-kol-dossier = Dossier
dossiers-moment = Moment
dossiers-naam = Naam
dossiers-nog-niemand = Nog niemand.
dossiers-ontvangers = Ontvangers
dossiers-opgesteld = Opgesteld
dossiers-organisatie = Organisatie
dossiers-oude-waarde = Oude waarde
dossiers-overleg = Overleg
dossiers-overleggen = Casusoverleggen
dossiers-partij = Partij
dossiers-regie = Regie
dossiers-regieteam = Regieteam
dossiers-rol = Rol
dossiers-soort = Soort
dossiers-status = Status
dossiers-taak = Taak
dossiers-taken = Taken
dossiers-toegang = Toegang
dossiers-toelichting = Toelichting
dossiers-uitkomst = Uitkomst
dossiers-vastgelegd = Vastgelegd
dossiers-vastleggingen = Vastleggingen
dossiers-veld = Veld
dossiers-verloop = Verloop
dossiers-verstreken = verstreken
dossiers-verwerking-beperkt = Verwerking beperkt
dossiers-verwijderen = Verwijderen
dossiers-wat = Wat
dossiers-wie = Wie
dossiers-wijzigen = Wijzigen
dossiers-wijziging = Wijziging
dossiers-zaaktype = Zaaktype
dossiers-zaaktypen = Zaaktypen
dossiers-terug-lijst = Terug naar de dossiers
dossiers-terug-overleggen = Terug naar de overleggen
dossiers-terug-inzageverzoek = Terug naar het inzageverzoek
dossiers-inzageverzoek-link = Inzageverzoek van een betrokkene
dossiers-convenanten-zaaktypen = Convenanten en zaaktypen
dossiers-nieuw = Nieuw dossier
dossiers-zaaktype-nieuw = Nieuw zaaktype
dossiers-correctie-titel = Correctie of beperking vastleggen

## The case list
dossiers-lijst-intro = Casussen met meerdere partners: persoonsgerichte aanpak, Zorg- en Veiligheidshuis, nazorg, ondermijning, jeugdgroepen en woonoverlast. U ziet de dossiers van uw team en de dossiers waaraan uw organisatie deelneemt op grond van een geldig convenant.
dossiers-lijst-leeg = Er zijn geen dossiers die u mag zien met deze selectie.
dossiers-lijst-caption = Dossiers ({ $count })

## A case
dossiers-detail-voortuit = Komt voort uit
dossiers-detail-melding = melding
dossiers-detail-sturing = Sturing
dossiers-detail-geen-betrokkenen = Geen betrokkenen die u mag zien.
dossiers-detail-bsn-beperking = BSN en beperking
dossiers-detail-overlap = Overlapsignalen
dossiers-detail-overlap-uitleg = Dezelfde persoon, hetzelfde adres of bedrijf staat ook in een ander lopend dossier. Neem contact op met het regieteam daarvan; de inhoud ziet u hier niet.
dossiers-detail-gevonden-op = Gevonden op
dossiers-detail-partners = Deelnemende partners
dossiers-detail-partner-toelaten = Partner toelaten op grond van een convenant
dossiers-detail-geen-partners = Nog geen partners toegelaten.
dossiers-detail-geen-taken = Geen taken die u mag zien.
dossiers-taken-caption = { $count ->
    [one] Taken (1 taak)
   *[other] Taken ({ $count } taken)
}
dossiers-detail-vastleggen = Notitie, doel, taak, besluit of document vastleggen
dossiers-detail-geen-vastleggingen = Geen vastleggingen die u mag zien.
dossiers-vastleggingen-caption = { $count ->
    [one] Vastleggingen (1 vastlegging)
   *[other] Vastleggingen ({ $count } vastleggingen)
}
dossiers-detail-geschiedenis-caption = Geschiedenis (fase, AVE, Zorg- en Veiligheidshuis, inwoner, deelname)
dossiers-detail-toelichting-wie = Toelichting en wie

## Covenants and case types
dossiers-conv-intro = Een partner ziet een dossier alleen als zijn organisatie deelneemt op grond van een convenant dat vandaag geldt en het zaaktype dekt, en dan alleen de vastleggingen in de categorieën die het convenant die organisatie laat ontvangen. Een deelname wordt beoordeeld naar de versie van het convenant waaronder zij is toegelaten; waar die versie de toegang van een partij beperkt tot benoemde vertegenwoordigers, zien alleen zij de dossiers. Intrekken of verlopen beëindigt de toegang direct, onder elke versie.
dossiers-conv-nieuw = Nieuw convenant
dossiers-conv-geen = Er zijn nog geen convenanten vastgelegd.
dossiers-conv-geldig = Geldig
dossiers-conv-huidige-versie = Huidige versie
dossiers-conv-zien-elkaar = Partijen zien elkaar
dossiers-conv-zien-elkaar-ja = ja: een partner ziet de andere deelnemers onder dit convenant
dossiers-conv-zien-elkaar-nee = nee: een partner ziet alleen het regieteam en zijn eigen deelname
dossiers-conv-mag-ontvangen = Mag ontvangen
dossiers-conv-mag-verstrekken = Mag verstrekken
dossiers-conv-lopende-deelnames = Lopende deelnames onder deze versie
dossiers-conv-vertegenwoordigers = Benoemde vertegenwoordigers
dossiers-conv-vertegenwoordigers-bij = Benoemde vertegenwoordigers bij
dossiers-conv-geen-vertegenwoordigers = Er zijn geen vertegenwoordigers vastgelegd. Waar de toegang van een partij beperkt is tot benoemde vertegenwoordigers, ziet zonder hen niemand van die partij de dossiers.
dossiers-conv-geen-vertegenwoordigers-eigen = Er zijn voor uw organisatie geen vertegenwoordigers vastgelegd. Waar de toegang van een partij beperkt is tot benoemde vertegenwoordigers, ziet zonder hen niemand van die partij de dossiers.
dossiers-conv-voorwaarden-wijzigen = Voorwaarden wijzigen (nieuwe versie)
dossiers-conv-vertegenwoordiger-vastleggen = Vertegenwoordiger vastleggen
dossiers-conv-intrekken = Convenant intrekken
dossiers-conv-standaardcategorieen = Standaardcategorieën
dossiers-conv-taken-bij-start = Taken bij start
dossiers-vernietigd = Vernietigde dossiers
dossiers-vernietigd-geen = Er zijn nog geen dossiers vernietigd.
dossiers-vernietigd-op = Vernietigd

## Subject access requests
dossiers-inzage-zoek-intro = Zoek de betrokkene die om inzage vraagt. U vindt alleen betrokkenen in dossiers waarvoor u het verzoek mag beantwoorden: als functionaris gegevensbescherming alle dossiers van de gemeente, als procesregisseur de dossiers waarvan uw team de regie voert. U stelt de inzage op als concept; een tweede persoon controleert en geeft haar vrij. Het zoeken en de inzage worden gelogd.
dossiers-inzage-niets-gevonden = Geen betrokkenen gevonden in dossiers waarvoor u het verzoek mag beantwoorden.
dossiers-inzage-subject-intro = Een inzage bevat wat de dossiers waarvoor u het verzoek mag beantwoorden over deze persoon vastleggen: per dossier de doelen, de ontvangers, de bewaartermijn en de bronnen, de vastleggingen (zonder die over andere groepsleden) en wie de gegevens heeft ingezien (AVG art. 15 lid 1). U stelt haar op als concept; een tweede persoon (de functionaris gegevensbescherming of een procesregisseur van het regieteam) controleert en geeft haar vrij. Pas daarna kan zij worden gedownload.
dossiers-inzage-ander = Ander inzageverzoek
dossiers-inzage-opgesteld-kop = Opgestelde inzages
dossiers-inzage-nog-geen = Er is nog geen inzage opgesteld.
dossiers-inzage-downloaden = Inzage downloaden (JSON)
dossiers-inzage-zelf-opgesteld = U hebt deze inzage opgesteld; een ander geeft haar vrij.
dossiers-inzage-correcties = Correcties en beperkingen
dossiers-inzage-geen-dossier = Deze betrokkene staat in geen dossier waarvoor deze inzage geldt.
dossiers-inzage-geen-ontvangers = Geen: alleen het regieteam van de gemeente.
dossiers-inzage-deelname-beeindigd = deelname beëindigd
dossiers-inzage-meldingen-maatregelen = Meldingen en maatregelen
dossiers-inzage-wie-ingezien = Wie heeft deze gegevens ingezien
dossiers-inzage-toegang-caption = Toegang volgens het auditlog ({ $count })

## Meetings
dossiers-overleggen-intro = PGA-overleggen, ondermijningsoverleggen en casusoverleggen van het Zorg- en Veiligheidshuis waaraan uw organisatie deelneemt.
dossiers-overleg-nieuw = Nieuw casusoverleg
dossiers-overleggen-geen = Er zijn geen overleggen.
dossiers-overleg-agenda-leeg = Er staan geen dossiers op de agenda die u mag inzien.
dossiers-overleg-verslag-vastleggen = Verslag en besluiten vastleggen
dossiers-overleg-geen-verslag = Nog geen verslag dat u mag zien.

## Dates: "7 december 2026"
dossiers-dag = { $dag } { $maand } { $jaar }
dossiers-maand-1 = januari
dossiers-maand-2 = februari
dossiers-maand-3 = maart
dossiers-maand-4 = april
dossiers-maand-5 = mei
dossiers-maand-6 = juni
dossiers-maand-7 = juli
dossiers-maand-8 = augustus
dossiers-maand-9 = september
dossiers-maand-10 = oktober
dossiers-maand-11 = november
dossiers-maand-12 = december

## Forms and messages in html.rs
dossiers-niet-mogelijk = Niet mogelijk
dossiers-gesloten-titel = Dossier gesloten
dossiers-gesloten-tekst = Dit dossier is gesloten: er kan niets meer worden vastgelegd of gewijzigd. Alleen de bewaarplicht (legal hold) en het intrekken van een deelname blijven mogelijk; start zo nodig een nieuw dossier.
dossiers-terug-dossier = Terug naar het dossier
dossiers-andere-organisatie = andere organisatie
dossiers-filteren = Filteren
dossiers-alle = alle
dossiers-kies = kies
dossiers-geen = geen
dossiers-filter-review-verlopen = datum verstreken
dossiers-filter-taken = Open taken
dossiers-filter-taken-alle = alle dossiers
dossiers-filter-taken-mij = met een taak voor mij
dossiers-filter-taken-org = met een taak voor mijn organisatie
dossiers-nieuw-knop = Dossier aanmaken
dossiers-nieuw-titel = Korte titel
dossiers-nieuw-titel-hint = Geen namen: die legt u vast als betrokkene, zodat alleen wie ze mag zien ze ziet.
dossiers-nieuw-team = Regievoerend team
dossiers-herkomst = Herkomst
dossiers-datum-herbeoordeling = Datum herbeoordeling
dossiers-nieuw-melding = Melding waaruit de casus voortkomt (optioneel)
dossiers-nieuw-melding-hint = Het nummer van de melding, bijvoorbeeld M-12. De melding toont dan alleen het dossiernummer; wie het dossier opent, heeft er toegang toe nodig.
dossiers-nieuw-intro = Het regievoerende team ziet het hele dossier. Ketenpartners zien alleen wat hun convenant toestaat, nadat u hen toelaat.

## A case
dossiers-leefgebied = Leefgebied
dossiers-een-ketenpartner = een ketenpartner
dossiers-uitvoerder = Uitvoerder
dossiers-uiterlijk = Uiterlijk
dossiers-open = Open
dossiers-zvh = Zorg- en Veiligheidshuis
dossiers-niet-opgeschaald = niet opgeschaald
dossiers-inwoner = Inwoner
dossiers-onbekend = Onbekend
dossiers-geen-datum = geen datum
dossiers-zicht-regie = U ziet het hele dossier: uw team voert de regie.
dossiers-zicht-deelnemer = U ziet alleen de vastleggingen in de categorieën die het convenant uw organisatie geeft: { $categorieen }.
dossiers-kvk = KvK
dossiers-bsn-verborgen = BSN vastgelegd (niet zichtbaar voor u)
dossiers-convenant-versie = { $naam } (versie { $versie })
dossiers-venster-van-tot = van { $van } tot en met { $tot }
dossiers-venster-vanaf = vanaf { $van }
dossiers-venster-tot = tot en met { $tot }
dossiers-deelname-actief = actief sinds { $sinds }
dossiers-deelname-ingetrokken = ingetrokken op { $op } ({ $reden })
dossiers-deelname-geen-toegang = geen toegang: { $reden }
dossiers-team-andere-organisatie = team van een andere organisatie
dossiers-historie-fase = Fase
dossiers-historie-ave = AVE-fase
dossiers-historie-zvh = Zorg- en Veiligheidshuis
dossiers-historie-inwoner = Betrokkenheid inwoner
dossiers-historie-review = Herbeoordeling
dossiers-historie-legal-hold = Bewaarplicht
dossiers-historie-deelname = Partner toegelaten
dossiers-historie-deelname-ingetrokken = Deelname ingetrokken
dossiers-historie-subject = Betrokkene toegevoegd
dossiers-sturing-fase = Fase wijzigen
dossiers-sturing-ave = AVE-fase wijzigen
dossiers-sturing-zvh = Opschalen naar of terug van het Zorg- en Veiligheidshuis
dossiers-sturing-inwoner = Betrokkenheid van de inwoner
dossiers-sturing-review = Datum herbeoordeling
dossiers-sturing-legal-hold = Bewaarplicht (legal hold)

## Entries, persons concerned, participation, steering
dossiers-item-intro = Elke vastlegging heeft één gegevenscategorie. U kunt alleen categorieën kiezen die uw organisatie in dit dossier mag vastleggen.
dossiers-subject-intro = Na het toevoegen controleert Baken of dezelfde persoon, hetzelfde adres of bedrijf al in een ander lopend dossier staat. U ziet dan alleen het zaaktype en het regieteam van dat dossier, nooit de inhoud.
dossiers-admit-intro = Een partner krijgt alleen toegang op grond van een geldig convenant dat dit zaaktype dekt en de organisatie als partij noemt, voor een van de doelen van dat convenant en binnen de looptijd van de deelname; anders weigert Baken met de reden. De partner ziet daarna alleen de categorieën die het convenant toestaat, het regieteam en de eigen deelname.
dossiers-revoke-intro = Na het intrekken ziet deze partner het dossier niet meer, direct.
dossiers-vastleggen = Vastleggen
dossiers-gegevenscategorie = Gegevenscategorie
dossiers-item-categorie-hint = Bepaalt wie deze vastlegging ziet: alleen partners die deze categorie onder het convenant mogen ontvangen.
dossiers-titel = Titel
dossiers-tekst = Tekst
dossiers-item-tekst-hint = Ten hoogste 20.000 tekens; langere stukken voegt u toe als document.
dossiers-item-betreft = Over wie (optioneel)
dossiers-item-betreft-geheel = het dossier als geheel
dossiers-item-betreft-hint = Gaat de vastlegging over één betrokkene, kies die dan: bij een inzageverzoek van een ander groepslid blijft zij buiten de inzage.
dossiers-item-leefgebied = Leefgebied (bij een doel)
dossiers-item-uitvoerder = Uitvoerder (bij een taak)
dossiers-item-persoon = Persoon (bij een taak van uw organisatie)
dossiers-item-persoon-niemand = niemand in het bijzonder
dossiers-item-persoon-hint = Geeft u de taak aan een collega, dan ziet die haar bij Mijn werk.
dossiers-item-deadline = Uiterlijk (bij een taak)
dossiers-item-bestand = Document (optioneel)
dossiers-item-bestand-hint = PDF, JPEG of PNG, ten hoogste 20 MB. Het document valt onder dezelfde gegevenscategorie.
dossiers-item-titel = Vastleggen in { $nummer }
dossiers-te-groot-titel = Bestand te groot
dossiers-te-groot-tekst = Het formulier of het bestand is te groot: een document is ten hoogste 20 MB.
dossiers-taak-niet-afgerond = Taak niet afgerond
dossiers-subject-naam = Naam of omschrijving
dossiers-subject-rol = Rol in het dossier
dossiers-subject-rol-hint = Bijvoorbeeld: betrokkene, ouder, pand, exploitant.
dossiers-subject-geboortedatum = Geboortedatum (persoon)
dossiers-subject-bsn = BSN (persoon, optioneel)
dossiers-subject-bsn-hint = Wordt versleuteld opgeslagen en alleen aan het regieteam getoond.
dossiers-postcode = Postcode
dossiers-subject-kvk = KvK-nummer (bedrijf)
dossiers-subject-bag = BAG-id (locatie)
dossiers-contactgegevens = Contactgegevens
dossiers-subject-titel = Betrokkene toevoegen aan { $nummer }
dossiers-toelaten = Toelaten
dossiers-admit-doel = Doel van de deelname
dossiers-admit-doel-hint = Een van de doelen van het gekozen convenant; een deelname dient altijd één doel.
dossiers-admit-van = Vanaf (optioneel)
dossiers-admit-van-hint = Zonder datum: vanaf vandaag.
dossiers-admit-tot = Tot en met (optioneel)
dossiers-admit-tot-hint = Na deze datum eindigt de deelname vanzelf. Zonder datum: zolang het convenant geldt.
dossiers-admit-titel = Partner toelaten tot { $nummer }
dossiers-revoke-knop = Deelname intrekken
dossiers-reden = Reden
dossiers-revoke-titel = Deelname intrekken – { $nummer }
dossiers-steer-van-naar = Van { $fase } naar
dossiers-steer-toelichting-sluiten = Toelichting (verplicht bij sluiten)
dossiers-steer-tafel = Tafel
dossiers-steer-tafel-terug = terug van de tafel (afschalen)
dossiers-steer-tafel-toelichting = Reden van verwijzing, of de uitkomst bij terugkeer
dossiers-steer-inwoner-toelichting = Toelichting (bijvoorbeeld: uitgenodigd per brief op …)
dossiers-steer-hold-aan = aan: niet vernietigen
dossiers-steer-hold-uit = uit
dossiers-opslaan = Opslaan
dossiers-steer-intro = Elke wijziging komt in de geschiedenis van het dossier.

## Meetings
dossiers-overleg-intro = Op de agenda ziet ieder alleen de dossiers die hij mag openen; het verslag per dossier ziet alleen wie dat dossier mag zien, en alleen in de categorieën van het convenant.
dossiers-overleg-plannen = Overleg plannen
dossiers-overleg-soort = Soort overleg
dossiers-overleg-organisaties = Deelnemende organisaties
dossiers-overleg-agenda-keuze = Dossiers op de agenda (waarvan uw team de regie voert)
dossiers-overleg-titel = { $titel } op { $datum }
dossiers-verslag-opslaan = Verslag opslaan
dossiers-verslag-categorie = Gegevenscategorie van het verslag
dossiers-verslag = Verslag
dossiers-verslag-besluiten = Besluiten (één per regel; elk wordt een taak)
dossiers-bespreking-titel = Bespreking { $nummer } in { $overleg }
dossiers-terug-overleg = Terug naar het overleg
dossiers-verslag-titel = Verslag { $overleg } ({ $datum })
dossiers-verslag-leeg = Vul het verslag in.

## Covenants and case types
dossiers-conv-nieuw-intro = Per partij de gegevenscategorieën die zij mag ontvangen en verstrekken. Een organisatie zonder categorieën is geen partij.
dossiers-versie-intro = Gewijzigde voorwaarden worden een nieuwe versie van het convenant. Nieuwe deelnames vallen onder die versie; een deelname die al liep, houdt de voorwaarden van de versie waaronder zij is toegelaten. Intrekken van het convenant beëindigt de deelnames onder elke versie.
dossiers-vertegenwoordiger-intro = Waar het convenant de toegang van een partij beperkt tot benoemde vertegenwoordigers, zien alleen deze accounts van die organisatie de dossiers onder het convenant; andere medewerkers van de organisatie zien niets. Elke wijziging van de lijst wordt vastgelegd in het auditlog.
dossiers-conv-status-ingetrokken = ingetrokken: geen enkele versie geeft nog toegang
dossiers-conv-status-geldig = geldig
dossiers-conv-status-ongeldig = niet geldig vandaag
dossiers-conv-huidige-versie-uitleg = versie { $versie }: nieuwe deelnames vallen onder deze versie; een deelname houdt de voorwaarden van de versie waaronder zij is toegelaten
dossiers-conv-versie = Versie { $versie }
dossiers-conv-versie-huidig = Versie { $versie } (huidig)
dossiers-conv-partijen-caption = Partijen bij { $naam }, versie { $versie }
dossiers-onbekend-klein = onbekend
dossiers-conv-toegang-vertegenwoordigers = alleen benoemde vertegenwoordigers
dossiers-conv-toegang-alle = alle medewerkers met de rol ketenpartner
dossiers-niet-zichtbaar = niet zichtbaar
dossiers-bewaartermijn-jaren = { $count ->
    [one] 1 jaar na sluiten
   *[other] { $count } jaar na sluiten
}
dossiers-vastleggingen-aantal = { $count ->
    [one] 1 vastlegging
   *[other] { $count } vastleggingen
}
dossiers-terms-zichtbaarheid = Zichtbaarheid van partijen
dossiers-terms-zichtbaarheid-ja = Partijen zien elkaars deelname in een dossier (anders ziet een partner alleen het regieteam en zichzelf)
dossiers-terms-ontvangen = { $organisatie } mag ontvangen
dossiers-terms-verstrekken = { $organisatie } mag verstrekken
dossiers-terms-grondslag = Grondslag voor { $organisatie }
dossiers-terms-grondslag-hint = Bijvoorbeeld: art. 20 Wpg, Jeugdwet art. 7.4.0, Wgs. Geldt voor elke categorie van deze partij.
dossiers-terms-toegang = Toegang van { $organisatie }
dossiers-terms-toegang-ja = Alleen benoemde vertegenwoordigers van { $organisatie } zien de dossiers (de gemeente legt hen vast)
dossiers-terms-doelen = Doelen (één per regel)
dossiers-terms-doelen-hint = Een deelname aan een dossier dient altijd één van deze doelen.
dossiers-terms-zaaktypen = Zaaktypen die het convenant dekt
dossiers-terms-geldig-van = Geldig vanaf
dossiers-terms-geldig-tot = Geldig tot en met
dossiers-conv-vastleggen = Convenant vastleggen
dossiers-versie-doelen-hint = Een nieuwe deelname dient altijd één van deze doelen.
dossiers-versie-toelichting = Toelichting op de wijziging
dossiers-versie-toelichting-hint = Bijvoorbeeld: addendum van 1 maart, artikel 4 gewijzigd.
dossiers-versie-vastleggen = Nieuwe versie vastleggen
dossiers-terug-convenanten = Terug naar de convenanten
dossiers-versie-titel = Voorwaarden wijzigen: { $naam } (nu versie { $versie })
dossiers-vertegenwoordiger-email = E-mailadres van het account
dossiers-vertegenwoordiger-email-hint = Het account van de vertegenwoordiger bij die partij, zoals in het convenant (of de bijlage) genoemd.
dossiers-zaaktype-toevoegen = Zaaktype toevoegen
dossiers-zaaktype-code = Code
dossiers-zaaktype-code-hint = Kleine letters, cijfers en streepjes.
dossiers-omschrijving = Omschrijving
dossiers-zaaktype-categorieen = Standaard gegevenscategorieën
dossiers-zaaktype-taken = Taken bij een nieuw dossier (één per regel)
dossiers-zaaktype-bewaartermijn = Bewaartermijn na sluiten (jaren)
dossiers-zaaktype-intro = Een zaaktype is het sjabloon van een dossier.
dossiers-terug-convenanten-zaaktypen = Terug naar de convenanten en zaaktypen

## Subject access requests
dossiers-zoeken = Zoeken
dossiers-inzage-zoek-naam = Naam van de betrokkene
dossiers-inzage-titel = Inzageverzoek (AVG art. 15)
dossiers-inzageverzoek = Inzageverzoek
dossiers-inzage-vrijgegeven-door = vrijgegeven door { $naam } op { $op }
dossiers-inzage-concept-wacht = concept: wacht op controle door een tweede persoon
dossiers-inzage-opstellen = Concept-inzage opstellen
dossiers-inzage-niet-opgesteld = Inzage niet opgesteld
dossiers-terug-verzoek = Terug naar het verzoek
dossiers-inzage-niet-te-tonen = Inzage niet te tonen
dossiers-terug-inzageverzoeken = Terug naar de inzageverzoeken
dossiers-inzage-vrijgeven = Gecontroleerd: vrijgeven
dossiers-inzage-status-vrijgegeven = Opgesteld door { $opgesteld }, gecontroleerd en vrijgegeven door { $vrijgegeven }.
dossiers-inzage-status-concept = Concept, opgesteld door { $opgesteld }. Een tweede persoon (de functionaris gegevensbescherming of een procesregisseur van het regieteam) controleert deze inzage en geeft haar vrij; pas daarna kan zij worden gedownload en aan de betrokkene worden verstrekt.
dossiers-inzage-titel-vrijgegeven = Inzage (vrijgegeven): { $naam }
dossiers-inzage-titel-concept = Inzage (concept): { $naam }
dossiers-terug-inzage = Terug naar de inzage
dossiers-inzage-geen-vrijgegeven-titel = Nog geen vrijgegeven inzage
dossiers-inzage-geen-vrijgegeven-tekst = Er is nog geen inzage vrijgegeven voor deze betrokkene. Stel een concept op en laat het door een tweede persoon controleren en vrijgeven.
dossiers-correctie-naam = Naam corrigeren (art. 16)
dossiers-correctie-adres = Adres corrigeren (art. 16)
dossiers-correctie-contact = Contactgegevens corrigeren (art. 16)
dossiers-correctie-geboortedatum = Geboortedatum corrigeren (art. 16)
dossiers-correctie-beperking = Verwerking beperken (art. 18)
dossiers-correctie-waarde = Juiste waarde (of 'opheffen' om een beperking op te heffen)
dossiers-correctie-toelichting = Grond en toelichting
dossiers-correctie-intro = De oude waarde blijft bewaard in de correctiegeschiedenis.
dossiers-resource-dossier = dossier
dossiers-resource-dossier-item = vastlegging
dossiers-resource-dossier-subject = betrokkene
dossiers-resource-dossier-subject-search = zoeken naar betrokkenen
dossiers-resource-dossier-list = dossierlijst
dossiers-resource-dossier-overleg = casusoverleg
dossiers-resource-dossier-overleg-list = lijst van casusoverleggen
dossiers-resource-dossier-overlap-check = controle op overlap
dossiers-resource-dossier-overlap-hit = overlapsignaal
dossiers-resource-dossier-inzageverzoek = inzageverzoek
dossiers-resource-dossiers-module = module dossiers
dossiers-resource-convenant = convenant
dossiers-resource-convenant-vertegenwoordiger = vertegenwoordiger onder een convenant

## API problem details
dossiers-api-geen-vrijgegeven = Er is nog geen vrijgegeven inzage voor deze betrokkene: stel een concept op (POST) en laat het door een tweede persoon vrijgeven.
