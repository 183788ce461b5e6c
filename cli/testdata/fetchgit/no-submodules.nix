builtins.fetchGit ./super
