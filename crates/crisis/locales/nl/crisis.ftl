crisis-nav = Crisisbeheersing
