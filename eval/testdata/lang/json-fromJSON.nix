with builtins; [
  (fromJSON "{\"b\":{\"c\":[true,false,null]},\"a\":\"x\",\"a\":\"y\"}")
  (fromJSON "[1e2, 1E-2, -0, 0.1, 1.0, 1e-400, -9223372036854775808, 9223372036854775807, 18446744073709551616, -9223372036854775809]")
  (fromJSON "\"\\u00e9\\uD83D\\uDE00\\b\\f\\n\\r\\t\\/\\\\\\\"\"")
  (fromJSON " \n\t\r 42 \n")
  (fromJSON "{}") (fromJSON "[]") (fromJSON "[[[]]]")
]
