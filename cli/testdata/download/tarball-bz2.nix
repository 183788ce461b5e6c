builtins.fetchTarball "@URL@/proj.tar.bz2"
