builtins.fetchGit { url = ./clean; ref = "v1"; }
