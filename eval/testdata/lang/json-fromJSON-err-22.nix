builtins.fromJSON "{\"\\u0000\":1}"
