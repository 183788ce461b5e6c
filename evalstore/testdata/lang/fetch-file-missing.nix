builtins.fetchurl "file://${toString ./src}/missing"
