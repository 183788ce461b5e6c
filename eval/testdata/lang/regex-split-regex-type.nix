builtins.split [] "a"
