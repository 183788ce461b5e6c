builtins.fetchTarball "@URL@/proj.tar.xz"
