builtins.readFile (builtins.fetchurl "@URL@/file.txt")
