builtins.readFile ./paths-data/nul
