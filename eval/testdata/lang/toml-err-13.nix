builtins.fromTOML "a = 1979-13-27"
