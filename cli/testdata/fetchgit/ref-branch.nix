builtins.fetchGit { url = ./dirty; ref = "main"; }
