builtins.getAttr "x" { x = throw "value"; }
