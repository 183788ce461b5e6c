builtins.fetchMercurial { foo = 1; }
