builtins.replaceStrings [ "z" ] [ 1 ] "abc"
