dossiers-nav = Case files
dossiers-nav-convenanten = Covenants
dossiers-nav-inzage = Subject access requests
dossiers-werk-dossiers = Case files
dossiers-werk-taken-mij-te-laat = { $count ->
    [one] task of mine past its due date
   *[other] tasks of mine past their due date
}
dossiers-werk-taken-mij = { $count ->
    [one] open task for me
   *[other] open tasks for me
}
dossiers-werk-taken-organisatie = { $count ->
    [one] open task for my organisation without a person
   *[other] open tasks for my organisation without a person
}
dossiers-werk-herbeoordeling = { $count ->
    [one] case of my team past its review date
   *[other] cases of my team past their review date
}
dossiers-werk-partners-nieuw = { $count ->
    [one] new entry by partners in my team's cases (7 days)
   *[other] new entries by partners in my team's cases (7 days)
}

## Labels of codes (model.rs): dossiers-<kind>-<slug>
dossiers-categorie-basisgegevens = Basic data
dossiers-categorie-zorg-welzijn = Health, care and welfare (art. 9 GDPR: health)
dossiers-categorie-bijzonder = Other special categories of personal data (art. 9 GDPR: e.g. origin, religion, political opinion, sex life)
dossiers-categorie-strafrechtelijk = Criminal data (art. 10 GDPR)
dossiers-categorie-wonen = Housing
dossiers-categorie-onderwijs = Education
dossiers-categorie-financien = Finances
dossiers-fase-intake = Intake
dossiers-fase-triage = Triage
dossiers-fase-plan = Plan of action
dossiers-fase-uitvoering = Execution
dossiers-fase-evaluatie = Evaluation
dossiers-fase-afschaling = Scaling down
dossiers-fase-gesloten = Closed
dossiers-ave-1 = AVE phase 1 – regular approach
dossiers-ave-2 = AVE phase 2 – escalation within the chain
dossiers-ave-3 = AVE phase 3 – escalation to case direction
dossiers-ave-4 = AVE phase 4 – administrative escalation
dossiers-ave-onbekend = AVE phase unknown
dossiers-zvh-top-x = TOP X
dossiers-zvh-mda = MDA++
dossiers-zvh-onbegrepen-gedrag = Confused behaviour with a risk of danger
dossiers-zvh-radicalisering = Radicalisation and polarisation
dossiers-inwoner-niet-uitgenodigd = Not yet invited
dossiers-inwoner-uitgenodigd = Invited
dossiers-inwoner-betrokken = Takes part in the plan
dossiers-inwoner-wil-niet = Does not want to take part (recorded)
dossiers-herkomst-team = Own team
dossiers-herkomst-melding = Report
dossiers-herkomst-partner = Request of a chain partner
dossiers-soort-notitie = Note
dossiers-soort-taak = Task
dossiers-soort-doel = Goal (plan of action)
dossiers-soort-document = Document
dossiers-soort-besluit = Decision
dossiers-soort-verslag = Meeting minutes
dossiers-soort-betrokkenheid = Contact with the resident
dossiers-leefgebied-wonen = Housing
dossiers-leefgebied-financien = Finances
dossiers-leefgebied-gezondheid = Physical and mental health
dossiers-leefgebied-verslaving = Addiction
dossiers-leefgebied-dagbesteding = Daytime activities and work
dossiers-leefgebied-netwerk = Social network
dossiers-leefgebied-justitie = Justice
dossiers-leefgebied-veiligheid = Safety
dossiers-subject-persoon = Person
dossiers-subject-locatie = Location
dossiers-subject-bedrijf = Business
dossiers-subject-groep = Group
dossiers-overleg-pga = PGA meeting
dossiers-overleg-ondermijning = Organised crime meeting
dossiers-overleg-zvh = Case meeting of the Zorg- en Veiligheidshuis

## Words used on several pages
dossiers-account = Account
dossiers-actie = Action
dossiers-adres = Address
dossiers-agenda = Agenda
dossiers-ave = AVE
dossiers-bekijken = View
dossiers-betrokkene-toevoegen = Add a person or entity concerned
dossiers-betrokkenen = Persons and entities concerned
dossiers-betrokkenheid = Involvement
dossiers-bewaartermijn = Retention period
dossiers-bewaren-tot = Keep until
dossiers-bronnen = Sources
dossiers-bsn = BSN
dossiers-categorie = Category
dossiers-contact = Contact
dossiers-convenant = Covenant
dossiers-datum = Date
dossiers-deelnemers = Participants
dossiers-details = Details
dossiers-document = Document
dossiers-doel = Purpose
dossiers-doelen = Purposes
dossiers-door = By
dossiers-fase = Phase
dossiers-geboortedatum = Date of birth
dossiers-geen-vastleggingen = No entries.
dossiers-gegevens = Data
dossiers-gereed = Done
dossiers-geschiedenis = History
dossiers-grond = Ground
dossiers-grondslag = Legal basis
dossiers-herbeoordeling = Review
dossiers-inhoud = Content
dossiers-intrekken = Revoke
dossiers-inzage = Access copy
dossiers-kol-dossier = Case file
dossiers-moment = Moment
dossiers-naam = Name
dossiers-nog-niemand = Nobody yet.
dossiers-ontvangers = Recipients
dossiers-opgesteld = Drafted
dossiers-organisatie = Organisation
dossiers-oude-waarde = Old value
dossiers-overleg = Meeting
dossiers-overleggen = Case meetings
dossiers-partij = Party
dossiers-regie = Direction
dossiers-regieteam = Directing team
dossiers-rol = Role
dossiers-soort = Kind
dossiers-status = Status
dossiers-taak = Task
dossiers-taken = Tasks
dossiers-toegang = Access
dossiers-toelichting = Explanation
dossiers-uitkomst = Outcome
dossiers-vastgelegd = Recorded
dossiers-vastleggingen = Entries
dossiers-veld = Field
dossiers-verloop = Course
dossiers-verstreken = passed
dossiers-verwerking-beperkt = Processing restricted
dossiers-verwijderen = Remove
dossiers-wat = What
dossiers-wie = Who
dossiers-wijzigen = Change
dossiers-wijziging = Change
dossiers-zaaktype = Case type
dossiers-zaaktypen = Case types
dossiers-terug-lijst = Back to the case files
dossiers-terug-overleggen = Back to the meetings
dossiers-terug-inzageverzoek = Back to the access request
dossiers-inzageverzoek-link = Access request of a person concerned
dossiers-convenanten-zaaktypen = Covenants and case types
dossiers-nieuw = New case file
dossiers-zaaktype-nieuw = New case type
dossiers-correctie-titel = Record a correction or restriction

## The case list
dossiers-lijst-intro = Cases with several partners: person-centred approach, Zorg- en Veiligheidshuis, aftercare, organised crime, youth groups and housing nuisance. You see your team's case files and those your organisation takes part in under a valid covenant.
dossiers-lijst-leeg = There are no case files you may see with this selection.
dossiers-lijst-caption = Case files ({ $count })

## A case
dossiers-detail-voortuit = Comes from
dossiers-detail-melding = report
dossiers-detail-sturing = Steering
dossiers-detail-geen-betrokkenen = No persons or entities concerned that you may see.
dossiers-detail-bsn-beperking = BSN and restriction
dossiers-detail-overlap = Overlap signals
dossiers-detail-overlap-uitleg = The same person, address or business is also in another open case file. Contact its directing team; you do not see its content here.
dossiers-detail-gevonden-op = Found on
dossiers-detail-partners = Participating partners
dossiers-detail-partner-toelaten = Admit a partner under a covenant
dossiers-detail-geen-partners = No partners admitted yet.
dossiers-detail-geen-taken = No tasks that you may see.
dossiers-taken-caption = { $count ->
    [one] Tasks (1 task)
   *[other] Tasks ({ $count } tasks)
}
dossiers-detail-vastleggen = Record a note, goal, task, decision or document
dossiers-detail-geen-vastleggingen = No entries that you may see.
dossiers-vastleggingen-caption = { $count ->
    [one] Entries (1 entry)
   *[other] Entries ({ $count } entries)
}
dossiers-detail-geschiedenis-caption = History (phase, AVE, Zorg- en Veiligheidshuis, resident, participation)
dossiers-detail-toelichting-wie = Explanation and who

## Covenants and case types
dossiers-conv-intro = A partner sees a case file only while its organisation takes part under a covenant that is valid today and covers the case type, and then only the entries in the categories the covenant lets that organisation receive. A participation is judged by the covenant version under which it was admitted; where that version limits a party's access to named representatives, only they see the case files. Revocation or expiry ends access at once, under every version.
dossiers-conv-nieuw = New covenant
dossiers-conv-geen = No covenants have been recorded yet.
dossiers-conv-geldig = Valid
dossiers-conv-huidige-versie = Current version
dossiers-conv-zien-elkaar = Parties see each other
dossiers-conv-zien-elkaar-ja = yes: a partner sees the other participants under this covenant
dossiers-conv-zien-elkaar-nee = no: a partner sees only the directing team and its own participation
dossiers-conv-mag-ontvangen = May receive
dossiers-conv-mag-verstrekken = May provide
dossiers-conv-lopende-deelnames = Running participations under this version
dossiers-conv-vertegenwoordigers = Named representatives
dossiers-conv-vertegenwoordigers-bij = Named representatives under
dossiers-conv-geen-vertegenwoordigers = No representatives have been recorded. Where a party's access is limited to named representatives, nobody of that party sees the case files without them.
dossiers-conv-geen-vertegenwoordigers-eigen = No representatives have been recorded for your organisation. Where a party's access is limited to named representatives, nobody of that party sees the case files without them.
dossiers-conv-voorwaarden-wijzigen = Change the terms (new version)
dossiers-conv-vertegenwoordiger-vastleggen = Record a representative
dossiers-conv-intrekken = Revoke the covenant
dossiers-conv-standaardcategorieen = Default categories
dossiers-conv-taken-bij-start = Tasks at the start
dossiers-vernietigd = Destroyed case files
dossiers-vernietigd-geen = No case files have been destroyed yet.
dossiers-vernietigd-op = Destroyed

## Subject access requests
dossiers-inzage-zoek-intro = Find the person asking for access. You only find persons in case files for which you may answer the request: as data protection officer all the municipality's case files, as case director those your team directs. You draft the access copy; a second person checks and releases it. The search and the access copy are logged.
dossiers-inzage-niets-gevonden = No persons found in case files for which you may answer the request.
dossiers-inzage-subject-intro = An access copy holds what the case files for which you may answer the request record about this person: per case file the purposes, the recipients, the retention period and the sources, the entries (without those about other group members) and who has seen the data (GDPR art. 15(1)). You draft it; a second person (the data protection officer or a case director of the directing team) checks and releases it. Only then can it be downloaded.
dossiers-inzage-ander = Another access request
dossiers-inzage-opgesteld-kop = Drafted access copies
dossiers-inzage-nog-geen = No access copy has been drafted yet.
dossiers-inzage-downloaden = Download the access copy (JSON)
dossiers-inzage-zelf-opgesteld = You drafted this access copy; someone else releases it.
dossiers-inzage-correcties = Corrections and restrictions
dossiers-inzage-geen-dossier = This person is in no case file to which this access copy applies.
dossiers-inzage-geen-ontvangers = None: only the municipality's directing team.
dossiers-inzage-deelname-beeindigd = participation ended
dossiers-inzage-meldingen-maatregelen = Reports and measures
dossiers-inzage-wie-ingezien = Who has seen this data
dossiers-inzage-toegang-caption = Access according to the audit log ({ $count })

## Meetings
dossiers-overleggen-intro = PGA meetings, organised crime meetings and case meetings of the Zorg- en Veiligheidshuis in which your organisation takes part.
dossiers-overleg-nieuw = New case meeting
dossiers-overleggen-geen = There are no meetings.
dossiers-overleg-agenda-leeg = There are no case files on the agenda that you may see.
dossiers-overleg-verslag-vastleggen = Record minutes and decisions
dossiers-overleg-geen-verslag = No minutes yet that you may see.

## Dates: "7 December 2026"
dossiers-dag = { $dag } { $maand } { $jaar }
dossiers-maand-1 = January
dossiers-maand-2 = February
dossiers-maand-3 = March
dossiers-maand-4 = April
dossiers-maand-5 = May
dossiers-maand-6 = June
dossiers-maand-7 = July
dossiers-maand-8 = August
dossiers-maand-9 = September
dossiers-maand-10 = October
dossiers-maand-11 = November
dossiers-maand-12 = December

## Forms and messages in html.rs
dossiers-niet-mogelijk = Not possible
dossiers-gesloten-titel = Case file closed
dossiers-gesloten-tekst = This case file is closed: nothing more can be recorded or changed. Only the legal hold and revoking a participation remain possible; start a new case file if needed.
dossiers-terug-dossier = Back to the case file
dossiers-andere-organisatie = another organisation
dossiers-filteren = Filter
dossiers-alle = all
dossiers-kies = choose
dossiers-geen = none
dossiers-filter-review-verlopen = date passed
dossiers-filter-taken = Open tasks
dossiers-filter-taken-alle = all case files
dossiers-filter-taken-mij = with a task for me
dossiers-filter-taken-org = with a task for my organisation
dossiers-nieuw-knop = Create the case file
dossiers-nieuw-titel = Short title
dossiers-nieuw-titel-hint = No names: record those as persons concerned, so that only those who may see them do.
dossiers-nieuw-team = Directing team
dossiers-herkomst = Origin
dossiers-datum-herbeoordeling = Review date
dossiers-nieuw-melding = Report the case comes from (optional)
dossiers-nieuw-melding-hint = The number of the report, for example M-12. The report then shows only the case file number; whoever opens the case file needs access to it.
dossiers-nieuw-intro = The directing team sees the whole case file. Chain partners see only what their covenant allows, after you admit them.

## A case
dossiers-leefgebied = Life domain
dossiers-een-ketenpartner = a chain partner
dossiers-uitvoerder = Carried out by
dossiers-uiterlijk = Due
dossiers-open = Open
dossiers-zvh = Zorg- en Veiligheidshuis
dossiers-niet-opgeschaald = not escalated
dossiers-inwoner = Resident
dossiers-onbekend = Unknown
dossiers-geen-datum = no date
dossiers-zicht-regie = You see the whole case file: your team directs it.
dossiers-zicht-deelnemer = You see only the entries in the categories the covenant gives your organisation: { $categorieen }.
dossiers-kvk = Chamber of Commerce no.
dossiers-bsn-verborgen = BSN recorded (not visible to you)
dossiers-convenant-versie = { $naam } (version { $versie })
dossiers-venster-van-tot = from { $van } up to and including { $tot }
dossiers-venster-vanaf = from { $van }
dossiers-venster-tot = up to and including { $tot }
dossiers-deelname-actief = active since { $sinds }
dossiers-deelname-ingetrokken = revoked on { $op } ({ $reden })
dossiers-deelname-geen-toegang = no access: { $reden }
dossiers-team-andere-organisatie = team of another organisation
dossiers-historie-fase = Phase
dossiers-historie-ave = AVE phase
dossiers-historie-zvh = Zorg- en Veiligheidshuis
dossiers-historie-inwoner = Involvement of the resident
dossiers-historie-review = Review
dossiers-historie-legal-hold = Legal hold
dossiers-historie-deelname = Partner admitted
dossiers-historie-deelname-ingetrokken = Participation revoked
dossiers-historie-subject = Person concerned added
dossiers-sturing-fase = Change the phase
dossiers-sturing-ave = Change the AVE phase
dossiers-sturing-zvh = Refer to or back from the Zorg- en Veiligheidshuis
dossiers-sturing-inwoner = Involvement of the resident
dossiers-sturing-review = Review date
dossiers-sturing-legal-hold = Legal hold

## Entries, persons concerned, participation, steering
dossiers-item-intro = Every entry has one data category. You can only choose categories your organisation may record in this case file.
dossiers-subject-intro = After adding, Baken checks whether the same person, address or business is already in another open case file. You then see only the case type and the directing team of that case file, never its content.
dossiers-admit-intro = A partner gets access only under a valid covenant that covers this case type and names the organisation as a party, for one of the purposes of that covenant and within the term of the participation; otherwise Baken refuses with the reason. The partner then sees only the categories the covenant allows, the directing team and its own participation.
dossiers-revoke-intro = After revocation this partner no longer sees the case file, at once.
dossiers-vastleggen = Record
dossiers-gegevenscategorie = Data category
dossiers-item-categorie-hint = Decides who sees this entry: only partners that may receive this category under the covenant.
dossiers-titel = Title
dossiers-tekst = Text
dossiers-item-tekst-hint = At most 20,000 characters; add longer pieces as a document.
dossiers-item-betreft = About whom (optional)
dossiers-item-betreft-geheel = the case file as a whole
dossiers-item-betreft-hint = If the entry is about one person concerned, choose them: an access request of another group member then leaves it out.
dossiers-item-leefgebied = Life domain (for a goal)
dossiers-item-uitvoerder = Carried out by (for a task)
dossiers-item-persoon = Person (for a task of your organisation)
dossiers-item-persoon-niemand = nobody in particular
dossiers-item-persoon-hint = Give the task to a colleague and they see it under My work.
dossiers-item-deadline = Due (for a task)
dossiers-item-bestand = Document (optional)
dossiers-item-bestand-hint = PDF, JPEG or PNG, at most 20 MB. The document falls under the same data category.
dossiers-item-titel = Record in { $nummer }
dossiers-te-groot-titel = File too large
dossiers-te-groot-tekst = The form or the file is too large: a document is at most 20 MB.
dossiers-taak-niet-afgerond = Task not completed
dossiers-subject-naam = Name or description
dossiers-subject-rol = Role in the case file
dossiers-subject-rol-hint = For example: person concerned, parent, building, operator.
dossiers-subject-geboortedatum = Date of birth (person)
dossiers-subject-bsn = BSN (person, optional)
dossiers-subject-bsn-hint = Stored encrypted and shown only to the directing team.
dossiers-postcode = Postcode
dossiers-subject-kvk = Chamber of Commerce number (business)
dossiers-subject-bag = BAG id (location)
dossiers-contactgegevens = Contact details
dossiers-subject-titel = Add a person concerned to { $nummer }
dossiers-toelaten = Admit
dossiers-admit-doel = Purpose of the participation
dossiers-admit-doel-hint = One of the purposes of the chosen covenant; a participation always serves one purpose.
dossiers-admit-van = From (optional)
dossiers-admit-van-hint = Without a date: from today.
dossiers-admit-tot = Up to and including (optional)
dossiers-admit-tot-hint = After this date the participation ends by itself. Without a date: as long as the covenant is valid.
dossiers-admit-titel = Admit a partner to { $nummer }
dossiers-revoke-knop = Revoke the participation
dossiers-reden = Reason
dossiers-revoke-titel = Revoke a participation – { $nummer }
dossiers-steer-van-naar = From { $fase } to
dossiers-steer-toelichting-sluiten = Explanation (required when closing)
dossiers-steer-tafel = Table
dossiers-steer-tafel-terug = back from the table (scale down)
dossiers-steer-tafel-toelichting = Reason for referral, or the outcome on return
dossiers-steer-inwoner-toelichting = Explanation (for example: invited by letter on …)
dossiers-steer-hold-aan = on: do not destroy
dossiers-steer-hold-uit = off
dossiers-opslaan = Save
dossiers-steer-intro = Every change goes into the case file's history.

## Meetings
dossiers-overleg-intro = On the agenda everyone sees only the case files they may open; the minutes per case file are seen only by those who may see that case file, and only in the covenant's categories.
dossiers-overleg-plannen = Plan the meeting
dossiers-overleg-soort = Kind of meeting
dossiers-overleg-organisaties = Participating organisations
dossiers-overleg-agenda-keuze = Case files on the agenda (directed by your team)
dossiers-overleg-titel = { $titel } on { $datum }
dossiers-verslag-opslaan = Save the minutes
dossiers-verslag-categorie = Data category of the minutes
dossiers-verslag = Minutes
dossiers-verslag-besluiten = Decisions (one per line; each becomes a task)
dossiers-bespreking-titel = Discussion of { $nummer } in { $overleg }
dossiers-terug-overleg = Back to the meeting
dossiers-verslag-titel = Minutes { $overleg } ({ $datum })
dossiers-verslag-leeg = Fill in the minutes.

## Covenants and case types
dossiers-conv-nieuw-intro = Per party the data categories it may receive and provide. An organisation without categories is no party.
dossiers-versie-intro = Changed terms become a new version of the covenant. New participations fall under that version; a running participation keeps the terms of the version under which it was admitted. Revoking the covenant ends the participations under every version.
dossiers-vertegenwoordiger-intro = Where the covenant limits a party's access to named representatives, only these accounts of that organisation see the case files under the covenant; other staff of the organisation see nothing. Every change of the list is recorded in the audit log.
dossiers-conv-status-ingetrokken = revoked: no version gives access any more
dossiers-conv-status-geldig = valid
dossiers-conv-status-ongeldig = not valid today
dossiers-conv-huidige-versie-uitleg = version { $versie }: new participations fall under this version; a participation keeps the terms of the version under which it was admitted
dossiers-conv-versie = Version { $versie }
dossiers-conv-versie-huidig = Version { $versie } (current)
dossiers-conv-partijen-caption = Parties to { $naam }, version { $versie }
dossiers-onbekend-klein = unknown
dossiers-conv-toegang-vertegenwoordigers = only named representatives
dossiers-conv-toegang-alle = all staff with the chain partner role
dossiers-niet-zichtbaar = not visible
dossiers-bewaartermijn-jaren = { $count ->
    [one] 1 year after closing
   *[other] { $count } years after closing
}
dossiers-vastleggingen-aantal = { $count ->
    [one] 1 entry
   *[other] { $count } entries
}
dossiers-terms-zichtbaarheid = Visibility of parties
dossiers-terms-zichtbaarheid-ja = Parties see each other's participation in a case file (otherwise a partner sees only the directing team and itself)
dossiers-terms-ontvangen = { $organisatie } may receive
dossiers-terms-verstrekken = { $organisatie } may provide
dossiers-terms-grondslag = Legal basis for { $organisatie }
dossiers-terms-grondslag-hint = For example: art. 20 Wpg, Jeugdwet art. 7.4.0, Wgs. Applies to every category of this party.
dossiers-terms-toegang = Access of { $organisatie }
dossiers-terms-toegang-ja = Only named representatives of { $organisatie } see the case files (the municipality records them)
dossiers-terms-doelen = Purposes (one per line)
dossiers-terms-doelen-hint = A participation in a case file always serves one of these purposes.
dossiers-terms-zaaktypen = Case types the covenant covers
dossiers-terms-geldig-van = Valid from
dossiers-terms-geldig-tot = Valid up to and including
dossiers-conv-vastleggen = Record the covenant
dossiers-versie-doelen-hint = A new participation always serves one of these purposes.
dossiers-versie-toelichting = Explanation of the change
dossiers-versie-toelichting-hint = For example: addendum of 1 March, article 4 changed.
dossiers-versie-vastleggen = Record the new version
dossiers-terug-convenanten = Back to the covenants
dossiers-versie-titel = Change the terms: { $naam } (now version { $versie })
dossiers-vertegenwoordiger-email = E-mail address of the account
dossiers-vertegenwoordiger-email-hint = The representative's account at that party, as named in the covenant (or its annex).
dossiers-zaaktype-toevoegen = Add the case type
dossiers-zaaktype-code = Code
dossiers-zaaktype-code-hint = Lower-case letters, digits and hyphens.
dossiers-omschrijving = Description
dossiers-zaaktype-categorieen = Default data categories
dossiers-zaaktype-taken = Tasks with a new case file (one per line)
dossiers-zaaktype-bewaartermijn = Retention after closing (years)
dossiers-zaaktype-intro = A case type is the template of a case file.
dossiers-terug-convenanten-zaaktypen = Back to the covenants and case types

## Subject access requests
dossiers-zoeken = Search
dossiers-inzage-zoek-naam = Name of the person concerned
dossiers-inzage-titel = Access request (GDPR art. 15)
dossiers-inzageverzoek = Access request
dossiers-inzage-vrijgegeven-door = released by { $naam } on { $op }
dossiers-inzage-concept-wacht = draft: waiting for a check by a second person
dossiers-inzage-opstellen = Draft an access copy
dossiers-inzage-niet-opgesteld = Access copy not drafted
dossiers-terug-verzoek = Back to the request
dossiers-inzage-niet-te-tonen = Access copy cannot be shown
dossiers-terug-inzageverzoeken = Back to the access requests
dossiers-inzage-vrijgeven = Checked: release
dossiers-inzage-status-vrijgegeven = Drafted by { $opgesteld }, checked and released by { $vrijgegeven }.
dossiers-inzage-status-concept = Draft, drafted by { $opgesteld }. A second person (the data protection officer or a case director of the directing team) checks and releases this access copy; only then can it be downloaded and given to the person concerned.
dossiers-inzage-titel-vrijgegeven = Access copy (released): { $naam }
dossiers-inzage-titel-concept = Access copy (draft): { $naam }
dossiers-terug-inzage = Back to the access copy
dossiers-inzage-geen-vrijgegeven-titel = No released access copy yet
dossiers-inzage-geen-vrijgegeven-tekst = No access copy has been released for this person yet. Draft one and have a second person check and release it.
dossiers-correctie-naam = Correct the name (art. 16)
dossiers-correctie-adres = Correct the address (art. 16)
dossiers-correctie-contact = Correct the contact details (art. 16)
dossiers-correctie-geboortedatum = Correct the date of birth (art. 16)
dossiers-correctie-beperking = Restrict processing (art. 18)
dossiers-correctie-waarde = Correct value (or 'opheffen' to lift a restriction)
dossiers-correctie-toelichting = Ground and explanation
dossiers-correctie-intro = The old value is kept in the correction history.
dossiers-resource-dossier = case file
dossiers-resource-dossier-item = entry
dossiers-resource-dossier-subject = person concerned
dossiers-resource-dossier-subject-search = search for persons concerned
dossiers-resource-dossier-list = case file list
dossiers-resource-dossier-overleg = case meeting
dossiers-resource-dossier-overleg-list = list of case meetings
dossiers-resource-dossier-overlap-check = overlap check
dossiers-resource-dossier-overlap-hit = overlap signal
dossiers-resource-dossier-inzageverzoek = access request
dossiers-resource-dossiers-module = case files module
dossiers-resource-convenant = covenant
dossiers-resource-convenant-vertegenwoordiger = representative under a covenant

## API problem details
dossiers-api-geen-vrijgegeven = No access copy has been released for this person yet: draft one (POST) and have a second person release it.
