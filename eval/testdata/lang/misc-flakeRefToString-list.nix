builtins.flakeRefToString { type = "github"; x = [ ]; }
