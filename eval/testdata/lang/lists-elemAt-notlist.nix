builtins.elemAt {} 0
