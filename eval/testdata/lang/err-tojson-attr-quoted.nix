builtins.toJSON { "a b" = throw "x"; }
