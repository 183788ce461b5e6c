builtins.fetchTarball { url = "https://example.com/foo.tar.gz"; name = "~wobble~"; }
