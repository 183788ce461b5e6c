builtins.fetchTarball "@URL@/proj.tar.zst"
