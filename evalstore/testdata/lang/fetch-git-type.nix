builtins.fetchGit { type = "git"; url = "x"; }
