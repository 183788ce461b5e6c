builtins.fetchTree { type = "tarball"; url = "@URL@/proj.zip"; narHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; }
