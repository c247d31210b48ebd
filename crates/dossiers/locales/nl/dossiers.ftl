dossiers-nav = Dossiers
dossiers-nav-convenanten = Convenanten
dossiers-nav-inzage = Inzageverzoeken
