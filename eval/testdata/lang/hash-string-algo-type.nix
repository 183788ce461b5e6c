builtins.hashString 1 "x"
