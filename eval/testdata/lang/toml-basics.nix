builtins.fromTOML (builtins.readFile ./toml-basics.toml)
