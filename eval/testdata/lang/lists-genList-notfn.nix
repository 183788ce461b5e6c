builtins.genList 1 1
