builtins.readFile ./paths-data/loop1
