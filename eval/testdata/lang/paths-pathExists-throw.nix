builtins.pathExists (throw "nope")
