builtins.Atb0
