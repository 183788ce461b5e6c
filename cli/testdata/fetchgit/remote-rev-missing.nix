builtins.fetchGit { url = "@GITURL@/clean"; rev = "0123456789abcdef0123456789abcdef01234567"; }
