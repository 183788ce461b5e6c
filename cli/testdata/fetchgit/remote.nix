builtins.fetchGit "@GITURL@/clean"
