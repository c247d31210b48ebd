ondermijning-nav = Undermining
