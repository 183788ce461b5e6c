builtins.fetchurl { url = "https://example.com/x"; sha256 = 1; }
