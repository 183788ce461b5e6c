builtins.fromJSON ''ï»[1]''
