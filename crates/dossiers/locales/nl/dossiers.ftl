dossiers-nav = Dossiers
