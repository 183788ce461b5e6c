builtins.fromTOML "a = [\n  1,\n  2\n]\na = 1"
