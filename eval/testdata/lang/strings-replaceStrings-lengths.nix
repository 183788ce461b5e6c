builtins.replaceStrings ["a" "b"] ["c"] "abc"
