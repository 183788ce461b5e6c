builtins.addDrvOutputDependencies "a"
