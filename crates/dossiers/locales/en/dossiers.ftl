dossiers-nav = Case files
dossiers-nav-convenanten = Covenants
dossiers-nav-inzage = Subject access requests
