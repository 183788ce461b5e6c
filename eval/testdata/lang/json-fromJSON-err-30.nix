builtins.fromJSON ''"à€€"''
