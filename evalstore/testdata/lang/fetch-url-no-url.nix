builtins.fetchurl { }
