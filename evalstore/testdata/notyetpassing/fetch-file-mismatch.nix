builtins.fetchurl { url = "file://${toString ./file}"; sha256 = "0000000000000000000000000000000000000000000000000000"; }
