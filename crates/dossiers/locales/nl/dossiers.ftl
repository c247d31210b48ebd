dossiers-nav = Dossiers
dossiers-nav-convenanten = Convenanten
dossiers-nav-inzage = Inzageverzoeken
werk-dossiers = Dossiers
werk-taken-mij-te-laat = { $count ->
    [one] taak van mij over de uiterste datum
   *[other] taken van mij over de uiterste datum
}
werk-taken-mij = { $count ->
    [one] open taak voor mij
   *[other] open taken voor mij
}
werk-taken-organisatie = { $count ->
    [one] open taak voor mijn organisatie zonder uitvoerder
   *[other] open taken voor mijn organisatie zonder uitvoerder
}
werk-herbeoordeling = { $count ->
    [one] dossier van mijn team met de herbeoordeling verstreken
   *[other] dossiers van mijn team met de herbeoordeling verstreken
}
werk-partners-nieuw = { $count ->
    [one] nieuwe vastlegging van partners in dossiers van mijn team (7 dagen)
   *[other] nieuwe vastleggingen van partners in dossiers van mijn team (7 dagen)
}
