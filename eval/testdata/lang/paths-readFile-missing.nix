builtins.readFile ./paths-data/missing
