builtins.fetchTree { type = "foo"; a = 1; b = true; c = "x"; }
