builtins.toFile 1 ""
