builtins.fromTOML "[[a]]\n[a]"
