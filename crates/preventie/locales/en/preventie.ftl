preventie-nav = Prevention
