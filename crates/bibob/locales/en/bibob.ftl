bibob-nav = Bibob
