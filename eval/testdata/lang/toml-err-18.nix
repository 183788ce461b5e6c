builtins.fromTOML "a = 1\nb = 2 junk\nc = 3 junk"
