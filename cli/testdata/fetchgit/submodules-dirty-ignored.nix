builtins.fetchGit ./superdirty
