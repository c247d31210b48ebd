dossiers-nav = Case files
