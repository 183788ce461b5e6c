builtins.fetchGit { url = ./superdirty; submodules = true; }
