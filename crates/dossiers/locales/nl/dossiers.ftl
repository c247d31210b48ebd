dossiers-nav = Dossiers
dossiers-nav-convenanten = Convenanten
