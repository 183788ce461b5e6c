builtins.parseFlakeRef "?aaaÿ"
