builtins.fetchTarball { url = "@URL@/proj.tar.gz"; name = "proj"; }
