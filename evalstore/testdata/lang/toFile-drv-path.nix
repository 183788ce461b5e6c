builtins.toFile "x" (derivation { name = "d"; builder = "/bin/sh"; system = "x86_64-linux"; }).drvPath
