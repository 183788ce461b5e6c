builtins.path { path = ./src; filter = p: t: "yes"; }
