builtins.fetchTree { type = "git"; url = ./none; }
