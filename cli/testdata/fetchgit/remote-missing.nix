builtins.fetchGit "@GITURL@/missing"
