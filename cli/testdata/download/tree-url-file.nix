builtins.fetchTree "file+@URL@/file.txt"
