crisis-nav = Crisis management
