builtins.parseFlakeRef "github:a/b#x"
