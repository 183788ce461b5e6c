builtins.parseFlakeRef "github:a/b?ref=x&%zz"
