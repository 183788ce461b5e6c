builtins.path { path = ./src/file; sha256 = ""; }
