map builtins.toXML [ 1 "x" null true ]
