builtins.fetchTree { type = "git"; url = 1.5; }
