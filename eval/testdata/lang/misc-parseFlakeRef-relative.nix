builtins.parseFlakeRef "./foo"
