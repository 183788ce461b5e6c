builtins.fetchurl { url = "https://example.com/x"; name = 1; }
