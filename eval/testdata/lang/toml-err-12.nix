builtins.fromTOML "a = True"
