builtins.readDir ./paths-data/link
