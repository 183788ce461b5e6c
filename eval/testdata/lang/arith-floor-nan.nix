builtins.floor (0.0 / 0.0 + 1.0e308 * 10 - 1.0e308 * 10)
