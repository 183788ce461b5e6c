builtins.fetchTree { type = "git"; url = "x"; name = "n"; }
