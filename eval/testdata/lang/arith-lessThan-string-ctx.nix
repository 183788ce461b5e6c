"${builtins.placeholder "out"}" < 1
