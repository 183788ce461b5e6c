builtins.fetchTarball "@URL@/notar.txt"
