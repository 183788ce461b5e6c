builtins.fetchGit { url = ./clean; name = "foo"; }
