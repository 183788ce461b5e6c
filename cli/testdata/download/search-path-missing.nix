builtins.findFile [ { prefix = "x"; path = "@URL@/missing.tar.gz"; } ] "x"
