builtins.fromTOML "a = \"\\uD800\""
