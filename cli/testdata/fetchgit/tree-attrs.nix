builtins.fetchTree { type = "git"; url = ./clean; }
