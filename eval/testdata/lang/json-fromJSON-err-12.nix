builtins.fromJSON "\"\t\""
