builtins.fetchurl "@URL@/missing.txt"
