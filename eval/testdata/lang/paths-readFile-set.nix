builtins.readFile { }
