builtins.fromJSON "[\"\\u0000\", x]"
