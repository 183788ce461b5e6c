builtins.fetchGit { url = ./super; submodules = true; }
