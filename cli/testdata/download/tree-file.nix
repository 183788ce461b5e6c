builtins.fetchTree { type = "file"; url = "@URL@/file.txt"; }
