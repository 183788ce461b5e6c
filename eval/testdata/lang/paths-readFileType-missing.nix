builtins.readFileType ./paths-data/missing
