builtins.fetchTree "@URL@/proj.tar.xz"
