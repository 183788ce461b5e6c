builtins.head "x"
