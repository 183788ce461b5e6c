builtins.fetchTree { type = "git"; url = "@GITURL@/clean"; }
