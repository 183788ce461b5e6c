builtins.fromTOML "a = 0123"
