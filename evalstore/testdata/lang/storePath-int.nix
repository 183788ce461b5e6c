builtins.storePath 1
