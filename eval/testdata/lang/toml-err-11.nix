builtins.fromTOML "a = 0xffffffffffffffff"
