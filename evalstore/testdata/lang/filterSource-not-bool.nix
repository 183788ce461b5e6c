builtins.filterSource (p: t: null) ./src
