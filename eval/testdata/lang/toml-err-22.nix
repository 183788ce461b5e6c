builtins.fromTOML "a = 1\n# \u0001\n"
