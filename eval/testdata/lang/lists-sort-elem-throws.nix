builtins.sort builtins.lessThan [ 1 (throw "elem") ]
