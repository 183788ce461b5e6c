builtins.readFile ./paths-data/file/x
