builtins.readDir ./paths-data/missing
