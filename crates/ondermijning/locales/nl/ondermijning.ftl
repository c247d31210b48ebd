ondermijning-nav = Ondermijning
