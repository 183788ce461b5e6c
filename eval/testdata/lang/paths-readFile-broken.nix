builtins.readFile ./paths-data/broken
