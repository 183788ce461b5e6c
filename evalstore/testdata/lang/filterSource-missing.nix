builtins.filterSource (p: t: true) ./src/missing
