let x = { a = builtins.isList x.a; }; in x.a
