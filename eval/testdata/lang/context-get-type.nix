builtins.getContext { }
