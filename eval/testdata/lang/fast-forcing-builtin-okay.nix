let v = [ 1 ]; in [ (builtins.isList (builtins.head [ v ])) (builtins.typeOf (1 + 2)) (builtins.isAttrs { }) (builtins.isFunction (x: x)) ]
