builtins.fetchTarball "@URL@/multi.tar.gz"
