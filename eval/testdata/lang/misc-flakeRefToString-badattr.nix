builtins.flakeRefToString { type = "github"; owner = "a"; repo = "b"; x = 1; }
