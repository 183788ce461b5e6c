builtins.fromJSON "{\"a\":1 \"b\"}"
