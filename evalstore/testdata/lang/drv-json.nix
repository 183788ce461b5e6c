let
  d = derivation { name = "s"; builder = "/bin/sh"; system = "x86_64-linux"; __json = "{\"b\": 1.50, \"a\": [1e3, \"\\u00e9\"]}"; };
in
[ d.drvPath d.outPath ]
