builtins.fetchTarball "@URL@/proj.tar.gz"
