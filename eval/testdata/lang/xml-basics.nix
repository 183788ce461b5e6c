let f = { a, b ? 1, ... }@args: a; g = x: x; h = {z, y}: 1; in
builtins.toXML { i = 1; fl = [ 1.5 1.0e10 0.1 100000.0 1.0e-5 (-0.0) 123456789.0 ]; s = "a\"<>&\n\t'b"; p = ./xml-basics.nix; n = null; b = [ true false ];
  l = [ ]; e = { }; inherit f g h; pr = builtins.map; pa = builtins.map g; "weird <name>" = 2;
  d = { type = "derivation"; drvPath = "/nix/store/x.drv"; outPath = "/nix/store/x"; name = "x"; };
  d2 = { type = "derivation"; drvPath = "/nix/store/x.drv"; outPath = 1; };
  d3 = { type = "derivation"; };
  nested = { x = { y = [ { } ]; }; }; lazy = 1 + 1; }
