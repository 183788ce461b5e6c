builtins.match "a" null
