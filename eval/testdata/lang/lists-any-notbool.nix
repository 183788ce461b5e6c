builtins.any (x: "y") [ 1 ]
