builtins.fromTOML "é = 1"
