builtins.fromJSON "\"abc"
