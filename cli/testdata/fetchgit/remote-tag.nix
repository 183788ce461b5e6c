builtins.fetchGit { url = "@GITURL@/clean"; ref = "v1"; }
