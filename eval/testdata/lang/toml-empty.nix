map builtins.fromTOML [ "" "\n" "# c\n" ]
