builtins.fetchTree { type = "git"; url = ./dirty; }
