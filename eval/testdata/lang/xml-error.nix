builtins.toXML { a = [ 1 (throw "boom") ]; }
