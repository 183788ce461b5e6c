builtins.concatMap (x: { a = x; }) [ 1 ]
