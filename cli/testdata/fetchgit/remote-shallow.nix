builtins.fetchGit { url = "@GITURL@/clean"; shallow = true; }
