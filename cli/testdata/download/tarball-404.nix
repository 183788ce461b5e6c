builtins.fetchTarball "@URL@/missing.tar.gz"
