builtins.split "a{,2}" "a"
