builtins.appendContext "" [ ]
