builtins.fetchTree { type = "tarball"; url = "@URL@/proj.tar.gz"; }
