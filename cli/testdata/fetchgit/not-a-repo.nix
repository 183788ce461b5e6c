builtins.fetchGit ./none
