builtins.fetchGit ./clean
