builtins.fromJSON ''"Ã("''
