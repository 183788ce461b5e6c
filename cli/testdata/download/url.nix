builtins.fetchurl "@URL@/file.txt"
