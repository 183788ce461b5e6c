builtins.match "[[:foo:]]" "a"
