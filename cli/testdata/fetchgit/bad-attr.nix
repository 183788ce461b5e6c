builtins.fetchGit { url = ./clean; bogus = 1; }
