builtins.path { path = ./src; filter = p: t: throw "no ${baseNameOf p}"; }
