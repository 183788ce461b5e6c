builtins.fromJSON ""
