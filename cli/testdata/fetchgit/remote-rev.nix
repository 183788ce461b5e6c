builtins.fetchGit { url = "@GITURL@/clean"; rev = "4525f23deef983b39371502113f7aec37fd63d8f"; }
