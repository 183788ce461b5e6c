builtins.readDir ./paths-data/file
