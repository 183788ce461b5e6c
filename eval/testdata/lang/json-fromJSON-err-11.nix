builtins.fromJSON " \n[\n1\n,\n2 x"
