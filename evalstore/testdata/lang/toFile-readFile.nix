builtins.toFile "x" "${builtins.toFile "y" "z"}" + builtins.readFile (builtins.toFile "r" "")
