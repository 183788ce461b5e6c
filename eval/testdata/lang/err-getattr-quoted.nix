builtins.getAttr "" { }
