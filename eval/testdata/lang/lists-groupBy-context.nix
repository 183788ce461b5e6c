builtins.groupBy (x: "${builtins.placeholder "out"}") [ 1 ]
