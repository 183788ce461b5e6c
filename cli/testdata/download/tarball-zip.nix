builtins.fetchTarball "@URL@/proj.zip"
