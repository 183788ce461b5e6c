builtins.readFile (builtins.findFile [ { prefix = "x"; path = "@URL@/proj.tar.gz"; } ] "x/a.txt")
