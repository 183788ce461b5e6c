builtins.readDir ./paths-data/file/x
