builtins.appendContext "" { "/tmp/foo" = { path = true; }; }
