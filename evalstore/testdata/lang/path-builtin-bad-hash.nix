builtins.path { path = ./src/file; sha256 = "abc"; }
