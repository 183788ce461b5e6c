builtins.fromTOML "[x.y.z]\nw=1\n[x]\ny.z.v = 2"
