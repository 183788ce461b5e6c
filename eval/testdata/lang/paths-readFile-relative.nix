builtins.readFile "paths-data/file"
