dossiers-nav = Case files
dossiers-nav-convenanten = Covenants
dossiers-nav-inzage = Subject access requests
werk-dossiers = Case files
werk-taken-mij-te-laat = { $count ->
    [one] task of mine past its due date
   *[other] tasks of mine past their due date
}
werk-taken-mij = { $count ->
    [one] open task for me
   *[other] open tasks for me
}
werk-taken-organisatie = { $count ->
    [one] open task for my organisation without a person
   *[other] open tasks for my organisation without a person
}
werk-herbeoordeling = { $count ->
    [one] case of my team past its review date
   *[other] cases of my team past their review date
}
werk-partners-nieuw = { $count ->
    [one] new entry by partners in my team's cases (7 days)
   *[other] new entries by partners in my team's cases (7 days)
}
