builtins.fetchGit ./dirty
