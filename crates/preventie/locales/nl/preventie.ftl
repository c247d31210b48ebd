preventie-nav = Preventie
