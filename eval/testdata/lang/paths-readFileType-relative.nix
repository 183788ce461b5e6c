builtins.readFileType "x"
