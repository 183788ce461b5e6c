builtins.path { path = "src"; }
