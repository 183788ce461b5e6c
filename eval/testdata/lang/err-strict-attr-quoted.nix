{ "if" = throw "x"; }
