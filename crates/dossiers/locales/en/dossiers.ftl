dossiers-nav = Case files
dossiers-nav-convenanten = Covenants
