builtins.fetchurl { url = "a"; foo = 1; }
